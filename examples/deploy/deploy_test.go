package deploy

// These tests check what a schema validator cannot: that the recipes agree
// with each other and with zoomsync (Secret and ConfigMap references, mount
// paths against the config's paths, exit codes, probes, timeouts), and that
// the ConfigMap's zoomsync.yaml passes zoomsync's own config validation.
// .ci/check-deploy runs the external validators (systemd-analyze verify,
// kubectl-validate, yamllint, dockerfile-utils, shellcheck) as well.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/zoomsync/zoomsync/config"
)

// obj is one decoded YAML mapping.
type obj = map[string]any

// readDocs decodes every YAML document of a file, skipping empty ones.
func readDocs(t *testing.T, name string) []obj {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var docs []obj
	dec := yaml.NewDecoder(f)
	for i := 1; ; i++ {
		var d obj
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: document %d: %v", name, i, err)
		}
		if d == nil {
			continue
		}
		for _, k := range []string{"apiVersion", "kind"} {
			if s, _ := d[k].(string); s == "" {
				t.Errorf("%s: document %d has no %s", name, i, k)
			}
		}
		if n, _ := get(d, "metadata", "name").(string); n == "" {
			t.Errorf("%s: document %d (%v) has no metadata.name", name, i, d["kind"])
		}
		docs = append(docs, d)
	}
	if len(docs) == 0 {
		t.Fatalf("%s: no YAML documents", name)
	}
	return docs
}

// get walks nested mappings; nil if any step is missing.
func get(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(obj)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func list(v any) []any { l, _ := v.([]any); return l }

func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	default:
		return fmt.Sprint(x)
	}
}

func num(v any) (int, bool) { n, ok := v.(int); return n, ok }

// byKind returns the documents of one kind.
func byKind(docs []obj, kind string) []obj {
	var out []obj
	for _, d := range docs {
		if d["kind"] == kind {
			out = append(out, d)
		}
	}
	return out
}

func one(t *testing.T, docs []obj, kind, file string) obj {
	t.Helper()
	l := byKind(docs, kind)
	if len(l) != 1 {
		t.Fatalf("%s: want exactly 1 %s, found %d", file, kind, len(l))
	}
	return l[0]
}

const (
	cronjobFile    = "kubernetes/cronjob.yaml"
	deploymentFile = "kubernetes/deployment.yaml"
	secretsFile    = "kubernetes/secrets.example.yaml"
	configKey      = "zoomsync.yaml"
)

// secretKeys maps each Secret template's name to its stringData keys and
// values, checking that every value is a marked placeholder.
func secretKeys(t *testing.T) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	for _, s := range byKind(readDocs(t, secretsFile), "Secret") {
		name := str(get(s, "metadata", "name"))
		if s["data"] != nil {
			t.Errorf("%s: Secret %s: use stringData (readable placeholders), not data", secretsFile, name)
		}
		sd, ok := s["stringData"].(obj)
		if !ok || len(sd) == 0 {
			t.Errorf("%s: Secret %s has no stringData", secretsFile, name)
			continue
		}
		out[name] = map[string]string{}
		for k, v := range sd {
			if !strings.Contains(str(v), "REPLACE_ME") {
				t.Errorf("%s: Secret %s key %s is not a marked placeholder (REPLACE_ME)", secretsFile, name, k)
			}
			out[name][k] = str(v)
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s: no Secret templates", secretsFile)
	}
	return out
}

// loadConfig parses the ConfigMap's zoomsync.yaml the way zoomsync does,
// with the Zoom secrets from the Secret template in the environment.
func loadConfig(t *testing.T, cm obj, secrets map[string]map[string]string) *config.Config {
	t.Helper()
	text := str(get(cm, "data", configKey))
	if text == "" {
		t.Fatalf("ConfigMap %s has no data.%s", str(get(cm, "metadata", "name")), configKey)
	}
	env := map[string]string{}
	for _, keys := range secrets {
		for k, v := range keys {
			env[k] = v
		}
	}
	cfg, err := config.Parse(strings.NewReader(text), func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatalf("ConfigMap %s: %v", configKey, err)
	}
	if err := cfg.Validate(config.ScopeServe); err != nil {
		t.Fatalf("ConfigMap %s does not pass zoomsync's validation: %v", configKey, err)
	}
	return cfg
}

func TestConfigMapIsAValidConfig(t *testing.T) {
	secrets := secretKeys(t)
	for _, file := range []string{cronjobFile, deploymentFile} {
		cm := one(t, readDocs(t, file), "ConfigMap", file)
		cfg := loadConfig(t, cm, secrets)
		if cfg.Source.Type != config.SourceGSheet {
			t.Errorf("%s: source.type = %q, want gsheet", file, cfg.Source.Type)
		}
		if cfg.Log.Format != "json" {
			t.Errorf("%s: log.format = %q, want json", file, cfg.Log.Format)
		}
		if !path.IsAbs(cfg.StateDir) || !path.IsAbs(cfg.Source.Credentials) {
			t.Errorf("%s: state_dir (%q) and source.credentials (%q) must be absolute paths to mounted volumes", file, cfg.StateDir, cfg.Source.Credentials)
		}
		if cfg.Serve.Addr != "0.0.0.0:9090" {
			t.Errorf("%s: serve.addr = %q; in a container it must be 0.0.0.0:9090 for the probes", file, cfg.Serve.Addr)
		}
	}
}

func TestConfigMapsAreTheSame(t *testing.T) {
	a := one(t, readDocs(t, cronjobFile), "ConfigMap", cronjobFile)
	b := one(t, readDocs(t, deploymentFile), "ConfigMap", deploymentFile)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("the ConfigMap in %s and in %s differ; keep them identical so either file applies on its own", cronjobFile, deploymentFile)
	}
}

func TestCronJob(t *testing.T) {
	docs := readDocs(t, cronjobFile)
	cj := one(t, docs, "CronJob", cronjobFile)
	secrets := secretKeys(t)
	cfg := loadConfig(t, one(t, docs, "ConfigMap", cronjobFile), secrets)
	spec := get(cj, "spec")

	if got := str(get(spec, "schedule")); got != "*/30 * * * *" {
		t.Errorf("schedule = %q, want every 30 minutes", got)
	}
	if got := str(get(spec, "concurrencyPolicy")); got != "Forbid" {
		t.Errorf("concurrencyPolicy = %q, want Forbid (runs must never overlap)", got)
	}
	if n, ok := num(get(spec, "startingDeadlineSeconds")); !ok || n <= 0 || n >= 1800 {
		t.Errorf("startingDeadlineSeconds = %#v, want 1..1799 (less than the 30-minute period)", get(spec, "startingDeadlineSeconds"))
	}
	for _, k := range []string{"successfulJobsHistoryLimit", "failedJobsHistoryLimit"} {
		if n, ok := num(get(spec, k)); !ok || n < 1 {
			t.Errorf("%s = %#v, want at least 1 (to see what the last runs did)", k, get(spec, k))
		}
	}
	job := get(spec, "jobTemplate", "spec")
	if n, ok := num(get(job, "backoffLimit")); !ok || n > 2 {
		t.Errorf("backoffLimit = %#v, want 0..2 (the next schedule is the retry)", get(job, "backoffLimit"))
	}
	if n, ok := num(get(job, "activeDeadlineSeconds")); !ok || n <= 0 || n >= 1800 {
		t.Errorf("activeDeadlineSeconds = %#v, want 1..1799 (a hung run must end before the next slot)", get(job, "activeDeadlineSeconds"))
	}
	pod := get(job, "template", "spec")
	if rp := str(get(pod, "restartPolicy")); rp != "Never" && rp != "OnFailure" {
		t.Errorf("restartPolicy = %q, want Never or OnFailure", rp)
	}
	c := checkPod(t, cronjobFile, pod.(obj), cfg, docs, secrets)
	if args := strArgs(c); len(args) == 0 || args[0] != "sync" {
		t.Errorf("container args = %q, want a sync command", args)
	}
}

func TestDeploymentAndService(t *testing.T) {
	docs := readDocs(t, deploymentFile)
	dep := one(t, docs, "Deployment", deploymentFile)
	secrets := secretKeys(t)
	cfg := loadConfig(t, one(t, docs, "ConfigMap", deploymentFile), secrets)
	spec := get(dep, "spec")

	if n, ok := num(get(spec, "replicas")); !ok || n != 1 {
		t.Errorf("replicas = %#v, want 1 (two serve processes must not run at once)", get(spec, "replicas"))
	}
	if got := str(get(spec, "strategy", "type")); got != "Recreate" {
		t.Errorf("strategy.type = %q, want Recreate (no overlap during a rollout)", got)
	}
	pod := get(spec, "template", "spec").(obj)
	grace, ok := num(pod["terminationGracePeriodSeconds"])
	if limit := int(cfg.Serve.ShutdownTimeout / time.Second); !ok || grace <= limit {
		t.Errorf("terminationGracePeriodSeconds = %#v, want more than serve.shutdown_timeout (%ds)", pod["terminationGracePeriodSeconds"], limit)
	}
	c := checkPod(t, deploymentFile, pod, cfg, docs, secrets)
	args := strArgs(c)
	if len(args) == 0 || args[0] != "serve" {
		t.Errorf("container args = %q, want a serve command", args)
	}
	if i := slices.Index(args, "--addr"); i < 0 || i+1 >= len(args) || args[i+1] != "0.0.0.0:9090" {
		t.Errorf("container args = %q, want --addr 0.0.0.0:9090", args)
	}

	// The container port, the probes and the Service must agree.
	var portName string
	for _, p := range list(c["ports"]) {
		if n, _ := num(get(p, "containerPort")); n == 9090 {
			portName = str(get(p, "name"))
		}
	}
	if portName == "" {
		t.Fatalf("container has no named port 9090")
	}
	for _, probe := range []string{"readinessProbe", "livenessProbe"} {
		h := get(c, probe, "httpGet")
		if h == nil {
			t.Errorf("%s: want an httpGet probe", probe)
			continue
		}
		// /livez: a restart cannot fix what makes /healthz fail (an
		// unreachable Zoom or sheet).
		if p := str(get(h, "path")); p != "/livez" {
			t.Errorf("%s path = %q, want /livez", probe, p)
		}
		if p := str(get(h, "port")); p != portName && p != "9090" {
			t.Errorf("%s port = %q, want %s or 9090", probe, p, portName)
		}
	}

	svc := one(t, docs, "Service", deploymentFile)
	labels, _ := get(spec, "template", "metadata", "labels").(obj)
	sel, _ := get(svc, "spec", "selector").(obj)
	if len(sel) == 0 {
		t.Errorf("Service has no selector")
	}
	for k, v := range sel {
		if labels[k] != v {
			t.Errorf("Service selector %s=%v does not match the pod labels %v", k, v, labels)
		}
	}
	if depSel, _ := get(spec, "selector", "matchLabels").(obj); !reflect.DeepEqual(depSel, sel) {
		t.Errorf("Service selector %v differs from the Deployment's %v", sel, depSel)
	}
	ann, _ := get(svc, "metadata", "annotations").(obj)
	for k, want := range map[string]string{"prometheus.io/scrape": "true", "prometheus.io/port": "9090", "prometheus.io/path": "/metrics"} {
		if got, ok := ann[k].(string); !ok || got != want {
			t.Errorf("Service annotation %s = %v, want the string %q", k, ann[k], want)
		}
	}
	ports := list(get(svc, "spec", "ports"))
	if len(ports) != 1 || (str(get(ports[0], "targetPort")) != portName && str(get(ports[0], "targetPort")) != "9090") {
		t.Errorf("Service ports = %v, want one port targeting %s", ports, portName)
	}
}

func strArgs(c obj) []string {
	var out []string
	for _, a := range list(c["args"]) {
		out = append(out, str(a))
	}
	return out
}

// checkPod checks a pod spec with one zoomsync container and returns it.
func checkPod(t *testing.T, file string, pod obj, cfg *config.Config, docs []obj, secrets map[string]map[string]string) obj {
	t.Helper()
	if pod["automountServiceAccountToken"] != false {
		t.Errorf("%s: automountServiceAccountToken should be false (zoomsync never calls the Kubernetes API)", file)
	}
	psc := get(pod, "securityContext")
	if get(psc, "runAsNonRoot") != true {
		t.Errorf("%s: pod securityContext.runAsNonRoot must be true", file)
	}
	if str(get(psc, "seccompProfile", "type")) != "RuntimeDefault" {
		t.Errorf("%s: pod securityContext.seccompProfile.type must be RuntimeDefault", file)
	}
	if uid, ok := num(get(psc, "runAsUser")); ok && uid == 0 {
		t.Errorf("%s: runAsUser 0 is root", file)
	}

	containers := list(pod["containers"])
	if len(containers) != 1 {
		t.Fatalf("%s: want one container, found %d", file, len(containers))
	}
	c := containers[0].(obj)
	image := str(c["image"])
	if image == "" || strings.HasSuffix(image, ":latest") || !strings.Contains(image, ":") {
		t.Errorf("%s: image %q should name a pinned tag or digest", file, image)
	}
	csc := get(c, "securityContext")
	if get(csc, "readOnlyRootFilesystem") != true {
		t.Errorf("%s: container securityContext.readOnlyRootFilesystem must be true", file)
	}
	if get(csc, "allowPrivilegeEscalation") != false {
		t.Errorf("%s: container securityContext.allowPrivilegeEscalation must be false", file)
	}
	if get(csc, "privileged") == true {
		t.Errorf("%s: container must not be privileged", file)
	}
	if !slices.Contains(list(get(csc, "capabilities", "drop")), any("ALL")) {
		t.Errorf("%s: container securityContext.capabilities.drop must contain ALL", file)
	}
	if get(csc, "runAsNonRoot") == false {
		t.Errorf("%s: container overrides runAsNonRoot to false", file)
	}
	if len(list(get(csc, "capabilities", "add"))) > 0 {
		t.Errorf("%s: container adds capabilities", file)
	}
	for _, kind := range []string{"requests", "limits"} {
		mem := str(get(c, "resources", kind, "memory"))
		b, err := bytesOf(mem)
		if err != nil {
			t.Errorf("%s: resources.%s.memory: %v", file, kind, err)
			continue
		}
		if b < 32<<20 || b > 512<<20 {
			t.Errorf("%s: resources.%s.memory = %s; 10,000 rows need well under 100 MB, want 32Mi..512Mi", file, kind, mem)
		}
		if str(get(c, "resources", kind, "cpu")) == "" {
			t.Errorf("%s: resources.%s.cpu is not set", file, kind)
		}
	}

	// Environment: the Zoom secrets, each from an existing Secret key.
	gotEnv := map[string]bool{}
	for _, e := range list(c["env"]) {
		name := str(get(e, "name"))
		gotEnv[name] = true
		if ref := get(e, "valueFrom", "secretKeyRef"); ref != nil {
			sn, key := str(get(ref, "name")), str(get(ref, "key"))
			if _, ok := secrets[sn][key]; !ok {
				t.Errorf("%s: env %s refers to Secret %s key %s, which %s does not define", file, name, sn, key, secretsFile)
			}
		} else if strings.HasPrefix(name, "ZOOM_") {
			t.Errorf("%s: env %s must come from a Secret (secretKeyRef), not a literal value", file, name)
		}
	}
	for _, name := range []string{"ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET"} {
		if !gotEnv[name] {
			t.Errorf("%s: env %s is not set", file, name)
		}
	}

	// Volumes: every reference resolves, and each path the config and the
	// command line name is on the right kind of volume.
	configMaps := map[string]obj{}
	for _, cm := range byKind(docs, "ConfigMap") {
		configMaps[str(get(cm, "metadata", "name"))] = cm
	}
	type volume struct {
		kind  string   // configMap | secret | emptyDir | other
		files []string // item paths, for configMap and secret volumes
	}
	vols := map[string]volume{}
	for _, v := range list(pod["volumes"]) {
		name := str(get(v, "name"))
		var vol volume
		var keys map[string]bool
		switch {
		case get(v, "configMap") != nil:
			vol.kind = "configMap"
			cmName := str(get(v, "configMap", "name"))
			cm, ok := configMaps[cmName]
			if !ok {
				t.Errorf("%s: volume %s refers to ConfigMap %s, which the file does not define", file, name, cmName)
			}
			keys = map[string]bool{}
			for k := range get(cm, "data").(obj) {
				keys[k] = true
			}
		case get(v, "secret") != nil:
			vol.kind = "secret"
			sn := str(get(v, "secret", "secretName"))
			s, ok := secrets[sn]
			if !ok {
				t.Errorf("%s: volume %s refers to Secret %s, which %s does not define", file, name, sn, secretsFile)
			}
			keys = map[string]bool{}
			for k := range s {
				keys[k] = true
			}
			if m, ok := num(get(v, "secret", "defaultMode")); ok && m&0o004 != 0 {
				t.Errorf("%s: Secret volume %s is world-readable (defaultMode %#o)", file, name, m)
			}
		case get(v, "emptyDir") != nil:
			vol.kind = "emptyDir"
		default:
			vol.kind = "other"
		}
		src := get(v, vol.kind)
		items := list(get(src, "items"))
		for _, it := range items {
			if k := str(get(it, "key")); !keys[k] {
				t.Errorf("%s: volume %s maps key %s, which its %s does not have", file, name, k, vol.kind)
			}
			vol.files = append(vol.files, str(get(it, "path")))
		}
		if len(items) == 0 {
			for k := range keys {
				vol.files = append(vol.files, k)
			}
		}
		vols[name] = vol
	}
	type mount struct {
		volume   string
		readOnly bool
	}
	mounts := map[string]mount{}
	for _, m := range list(c["volumeMounts"]) {
		vn := str(get(m, "name"))
		if _, ok := vols[vn]; !ok {
			t.Errorf("%s: volumeMount of %s, which is not a volume of the pod", file, vn)
		}
		mounts[path.Clean(str(get(m, "mountPath")))] = mount{vn, get(m, "readOnly") == true}
	}
	// fileOn says whether p is a file on a mounted volume of the given kind.
	fileOn := func(p, kind string) bool {
		m, ok := mounts[path.Dir(p)]
		return ok && vols[m.volume].kind == kind && slices.Contains(vols[m.volume].files, path.Base(p))
	}
	args := strArgs(c)
	if i := slices.Index(args, "--config"); i < 0 || i+1 >= len(args) {
		t.Errorf("%s: args %q do not pass --config", file, args)
	} else if !fileOn(args[i+1], "configMap") {
		t.Errorf("%s: --config %s is not a file of the mounted ConfigMap", file, args[i+1])
	}
	if !fileOn(cfg.Source.Credentials, "secret") {
		t.Errorf("%s: source.credentials %s is not a file of a mounted Secret volume", file, cfg.Source.Credentials)
	}
	if m, ok := mounts[path.Clean(cfg.StateDir)]; !ok || vols[m.volume].kind != "emptyDir" || m.readOnly {
		t.Errorf("%s: state_dir %s must be a writable emptyDir mount (the root filesystem is read-only)", file, cfg.StateDir)
	}
	for p, m := range mounts {
		if k := vols[m.volume].kind; (k == "configMap" || k == "secret") && !m.readOnly {
			t.Errorf("%s: mount %s (%s) should be readOnly", file, p, k)
		}
	}
	return c
}

// bytesOf parses a Kubernetes memory quantity such as 128Mi or 100M.
func bytesOf(q string) (int64, error) {
	m := regexp.MustCompile(`^([0-9]+)(Ki|Mi|Gi|k|M|G)?$`).FindStringSubmatch(q)
	if m == nil {
		return 0, fmt.Errorf("%q is not a memory quantity like 128Mi", q)
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	mult := map[string]int64{"": 1, "Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "k": 1e3, "M": 1e6, "G": 1e9}[m[2]]
	return n * mult, nil
}

// unit is a systemd unit file: section → key → values in order.
type unit map[string]map[string][]string

func readUnit(t *testing.T, name string) unit {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	u := unit{}
	section := ""
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		switch {
		case s == "" || strings.HasPrefix(s, "#") || strings.HasPrefix(s, ";"):
		case strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]"):
			section = s[1 : len(s)-1]
			u[section] = map[string][]string{}
		default:
			k, v, ok := strings.Cut(s, "=")
			if !ok || section == "" {
				t.Fatalf("%s:%d: not a key=value line in a section: %q", name, line, s)
			}
			u[section][strings.TrimSpace(k)] = append(u[section][strings.TrimSpace(k)], strings.TrimSpace(v))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return u
}

// last is the effective value of a single-valued key.
func (u unit) last(section, key string) string {
	v := u[section][key]
	if len(v) == 0 {
		return ""
	}
	return v[len(v)-1]
}

// seconds parses a systemd time span such as 150s, 2min or "2min 30s".
func seconds(span string) (int, error) {
	total := 0
	re := regexp.MustCompile(`^([0-9]+)\s*(s|sec|m|min|h)?$`)
	for _, part := range strings.Fields(span) {
		m := re.FindStringSubmatch(part)
		if m == nil {
			return 0, fmt.Errorf("cannot read time span %q", span)
		}
		n, _ := strconv.Atoi(m[1])
		switch m[2] {
		case "m", "min":
			n *= 60
		case "h":
			n *= 3600
		}
		total += n
	}
	if total == 0 {
		return 0, fmt.Errorf("empty time span %q", span)
	}
	return total, nil
}

var hardening = map[string]string{
	"NoNewPrivileges":         "yes",
	"ProtectSystem":           "strict",
	"ProtectHome":             "yes",
	"PrivateTmp":              "yes",
	"RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
	"StateDirectory":          "zoomsync",
	"ReadWritePaths":          "/var/lib/zoomsync",
	"User":                    "zoomsync",
	"EnvironmentFile":         "/etc/zoomsync/env",
	"CapabilityBoundingSet":   "",
}

func TestSystemdUnits(t *testing.T) {
	svc := readUnit(t, "zoomsync.service")
	serve := readUnit(t, "zoomsync-serve.service")
	timer := readUnit(t, "zoomsync.timer")

	for name, u := range map[string]unit{"zoomsync.service": svc, "zoomsync-serve.service": serve} {
		for k, want := range hardening {
			if _, ok := u["Service"][k]; !ok {
				t.Errorf("%s: [Service] %s= is missing", name, k)
			} else if got := u.last("Service", k); got != want {
				t.Errorf("%s: %s=%s, want %s", name, k, got, want)
			}
		}
		if !strings.Contains(u.last("Service", "ExecStart"), "--config /etc/zoomsync/zoomsync.yaml") {
			t.Errorf("%s: ExecStart should pass --config /etc/zoomsync/zoomsync.yaml", name)
		}
	}

	if got := svc.last("Service", "Type"); got != "oneshot" {
		t.Errorf("zoomsync.service: Type=%s, want oneshot", got)
	}
	if !strings.Contains(svc.last("Service", "ExecStart"), "zoomsync sync ") {
		t.Errorf("zoomsync.service: ExecStart should run zoomsync sync")
	}
	success := strings.Fields(strings.Join(svc["Service"]["SuccessExitStatus"], " "))
	if !slices.Contains(success, "75") {
		t.Errorf("zoomsync.service: SuccessExitStatus should include 75 (another run holds the lock: skipped, not failed)")
	}
	for _, code := range []string{"1", "3", "64"} {
		if slices.Contains(success, code) {
			t.Errorf("zoomsync.service: SuccessExitStatus includes %s; that exit must mark the unit failed so admins notice", code)
		}
	}

	if got := serve.last("Service", "Type"); got != "simple" {
		t.Errorf("zoomsync-serve.service: Type=%s, want simple", got)
	}
	if !strings.Contains(serve.last("Service", "ExecStart"), "zoomsync serve ") {
		t.Errorf("zoomsync-serve.service: ExecStart should run zoomsync serve")
	}
	if got := serve.last("Service", "Restart"); got != "on-failure" {
		t.Errorf("zoomsync-serve.service: Restart=%s, want on-failure", got)
	}
	stop, err := seconds(serve.last("Service", "TimeoutStopSec"))
	if err != nil {
		t.Errorf("zoomsync-serve.service: TimeoutStopSec: %v", err)
	} else if limit := int(config.Default().Serve.ShutdownTimeout / time.Second); stop <= limit {
		t.Errorf("zoomsync-serve.service: TimeoutStopSec=%ds, want more than serve.shutdown_timeout (%ds)", stop, limit)
	}

	if timer.last("Timer", "OnCalendar") == "" {
		t.Errorf("zoomsync.timer: OnCalendar= is missing")
	}
	if timer.last("Timer", "Persistent") != "true" {
		t.Errorf("zoomsync.timer: Persistent=true is missing")
	}
	if _, err := seconds(timer.last("Timer", "RandomizedDelaySec")); err != nil {
		t.Errorf("zoomsync.timer: RandomizedDelaySec: %v", err)
	}
	if u := timer.last("Timer", "Unit"); u != "" && u != "zoomsync.service" {
		t.Errorf("zoomsync.timer: Unit=%s, want zoomsync.service", u)
	}
	if timer.last("Install", "WantedBy") != "timers.target" {
		t.Errorf("zoomsync.timer: [Install] WantedBy=timers.target is missing")
	}
}

func TestCrontab(t *testing.T) {
	data, err := os.ReadFile("crontab")
	if err != nil {
		t.Fatal(err)
	}
	var jobs []string
	for _, line := range strings.Split(string(data), "\n") {
		s := strings.TrimSpace(line)
		if s == "" || strings.HasPrefix(s, "#") || regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`).MatchString(s) {
			continue
		}
		jobs = append(jobs, s)
	}
	if len(jobs) != 1 {
		t.Fatalf("crontab: want one job line, found %d", len(jobs))
	}
	f := strings.Fields(jobs[0])
	if len(f) < 6 || strings.Join(f[:5], " ") != "*/30 * * * *" {
		t.Errorf("crontab: want a job every 30 minutes (*/30 * * * *), got %q", strings.Join(f[:min(5, len(f))], " "))
	}
	cmd := strings.Join(f[5:], " ")
	for _, want := range []string{"zoomsync sync", "--config /etc/zoomsync/zoomsync.yaml", "/etc/zoomsync/env", "logger -t zoomsync"} {
		if !strings.Contains(cmd, want) {
			t.Errorf("crontab: the command should contain %q", want)
		}
	}
	if strings.Contains(cmd, "%") {
		t.Errorf("crontab: the command contains %%, which cron turns into a newline")
	}
	if strings.Contains(cmd, "flock") && strings.Contains(cmd, "zoomsync.lock") {
		t.Errorf("crontab: flock must not take zoomsync.lock itself, or zoomsync finds its own lock taken and exits 75")
	}
	if svc := readUnit(t, "zoomsync.service"); !strings.Contains(cmd, svc.last("Service", "EnvironmentFile")) {
		t.Errorf("crontab and zoomsync.service should read the same env file")
	}
}

func TestDockerfile(t *testing.T) {
	data, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	// Join continuation lines, drop comments.
	text := regexp.MustCompile(`\\\n\s*`).ReplaceAllString(string(data), " ")
	var froms, lines []string
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		lines = append(lines, l)
		if strings.HasPrefix(strings.ToUpper(l), "FROM ") {
			froms = append(froms, l)
		}
	}
	if len(froms) < 2 {
		t.Fatalf("Dockerfile: want a multi-stage build, found %d FROM lines", len(froms))
	}
	if !strings.HasPrefix(froms[0], "FROM golang:1.26") {
		t.Errorf("Dockerfile: the build stage should be FROM golang:1.26, got %q", froms[0])
	}
	if last := froms[len(froms)-1]; last != "FROM gcr.io/distroless/static-debian12:nonroot" {
		t.Errorf("Dockerfile: the final stage should be distroless static nonroot, got %q", last)
	}
	has := func(re string) bool {
		r := regexp.MustCompile(re)
		return slices.ContainsFunc(lines, r.MatchString)
	}
	for _, re := range []string{
		`^ARG VERSION`,
		`CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main\.version=\$\{?VERSION\}?".* \./cmd/zoomsync`,
		`^ENTRYPOINT \["/zoomsync"\]$`,
		`^CMD \["serve", ?"--config", ?"/etc/zoomsync/zoomsync\.yaml"\]$`,
	} {
		if !has(re) {
			t.Errorf("Dockerfile: no line matches %s", re)
		}
	}
	if has(`^USER (root|0)\b`) {
		t.Errorf("Dockerfile: must not switch to root")
	}
}
