// Package deploy holds zoomsync's deployment recipes (crontab, systemd
// units, Kubernetes manifests, Dockerfile; see README.md). It has no code:
// deploy_test.go checks the recipes against each other and against
// zoomsync's config validation, and .ci/check-deploy runs the external
// validators (systemd-analyze, kubectl-validate, dockerfile-utils, ...).
package deploy
