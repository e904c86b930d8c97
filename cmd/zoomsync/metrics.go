package main

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are serve's Prometheus series, on a registry of their own.
type metrics struct {
	reg         *prometheus.Registry
	runs        *prometheus.CounterVec
	rows        *prometheus.CounterVec
	lastRows    *prometheus.GaugeVec
	apiRequests *prometheus.CounterVec
	apiWrites   prometheus.Counter
	apiRetries  prometheus.Counter
	api429      prometheus.Counter
	apiWaits    prometheus.Counter
	duration    prometheus.Histogram
	lastSuccess prometheus.Gauge
	lastRun     prometheus.Gauge
}

// rowOutcomes are the values of the outcome label (tallyKeys), all
// exported from the start so that a missing series never stands for zero.
var rowOutcomes = tallyKeys

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "zoomsync_runs_total",
			Help: "Sync runs by result: ok, problems (completed; some rows invalid, failed or needing manual work), error (could not run), locked, skipped (previous run still going)."}, []string{"result"}),
		rows: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "zoomsync_rows_total",
			Help: "Rows and pruned pages by outcome, summed over runs."}, []string{"outcome"}),
		lastRows: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "zoomsync_last_run_rows",
			Help: "Rows and pages by outcome in the last completed run; invalid, failed, needs_manual, unknown and create_in_web_app are the rows to look at."}, []string{"outcome"}),
		apiRequests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "zoomsync_api_requests_total",
			Help: "Zoom API requests sent, retries included, by method and HTTP status code (\"error\": no answer)."}, []string{"method", "code"}),
		apiWrites:  prometheus.NewCounter(prometheus.CounterOpts{Name: "zoomsync_api_writes_total", Help: "Zoom API POST, PATCH and DELETE requests that may have changed Zoom: accepted, answered 5xx, or unanswered (not those refused with a 4xx such as 429)."}),
		apiRetries: prometheus.NewCounter(prometheus.CounterOpts{Name: "zoomsync_api_retries_total", Help: "Zoom API calls tried again (429, 5xx, network errors, token refresh)."}),
		api429:     prometheus.NewCounter(prometheus.CounterOpts{Name: "zoomsync_api_rate_limited_total", Help: "429 answers from Zoom."}),
		apiWaits:   prometheus.NewCounter(prometheus.CounterOpts{Name: "zoomsync_api_rate_limit_waits_total", Help: "Pauses for Zoom's rate limit or a back-off."}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "zoomsync_run_duration_seconds", Help: "How long runs take.",
			Buckets: []float64{1, 5, 15, 30, 60, 120, 300, 600, 1800}}),
		lastSuccess: prometheus.NewGauge(prometheus.GaugeOpts{Name: "zoomsync_last_success_timestamp_seconds",
			Help: "Unix time of the last run that completed, whether or not some rows had problems (see zoomsync_last_run_rows)."}),
		lastRun: prometheus.NewGauge(prometheus.GaugeOpts{Name: "zoomsync_last_run_timestamp_seconds", Help: "Unix time the last run finished."}),
	}
	b := currentBuild()
	buildInfo := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "zoomsync_build_info",
		Help: "Always 1; the labels say which zoomsync is running."}, []string{"version", "revision", "goversion"})
	buildInfo.WithLabelValues(b.Version, b.Commit, b.GoVersion).Set(1)
	m.reg.MustRegister(m.runs, m.rows, m.lastRows, m.apiRequests, m.apiWrites, m.apiRetries, m.api429, m.apiWaits,
		m.duration, m.lastSuccess, m.lastRun, buildInfo,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, r := range []string{resultOK, resultProblems, resultError, resultLocked, "skipped"} {
		m.runs.WithLabelValues(r) // export zeros, so alerts can use rate() from the start
	}
	for _, o := range rowOutcomes {
		m.rows.WithLabelValues(o)
		m.lastRows.WithLabelValues(o)
	}
	return m
}

// completed reports whether a run went through: every row was read and
// tried, whatever each row's outcome. Only a run that could not run (or
// was locked out) is not a success.
func completed(result string) bool { return result == resultOK || result == resultProblems }

func (m *metrics) observe(rec runRecord) {
	m.runs.WithLabelValues(rec.Result).Inc()
	for outcome, n := range rec.Rows {
		m.rows.WithLabelValues(outcome).Add(float64(n))
	}
	for k, n := range rec.API.byCode {
		m.apiRequests.WithLabelValues(k.Method, k.Code).Add(float64(n))
	}
	m.apiWrites.Add(float64(rec.API.Writes))
	m.apiRetries.Add(float64(rec.API.Retries))
	m.api429.Add(float64(rec.API.RateLimited))
	m.apiWaits.Add(float64(rec.API.RateLimitedWaits))
	m.duration.Observe(rec.Seconds)
	m.lastRun.Set(float64(rec.Finished.Unix()))
	if completed(rec.Result) {
		m.lastSuccess.Set(float64(rec.Finished.Unix()))
		for _, o := range rowOutcomes {
			m.lastRows.WithLabelValues(o).Set(float64(rec.Rows[o]))
		}
	}
}

func (m *metrics) skipped() { m.runs.WithLabelValues("skipped").Inc() }

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}
