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
	apiRequests prometheus.Counter
	apiWrites   prometheus.Counter
	apiRetries  prometheus.Counter
	api429      prometheus.Counter
	duration    prometheus.Histogram
	lastSuccess prometheus.Gauge
	lastRun     prometheus.Gauge
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "zoomsync_runs_total",
			Help: "Sync runs by result: ok, problems (some rows invalid or failed), error (could not run), locked, skipped (previous run still going)."}, []string{"result"}),
		rows: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "zoomsync_rows_total",
			Help: "Rows and pruned pages by outcome, summed over runs."}, []string{"outcome"}),
		apiRequests: prometheus.NewCounter(prometheus.CounterOpts{Name: "zoomsync_api_requests_total", Help: "Zoom API requests sent."}),
		apiWrites:   prometheus.NewCounter(prometheus.CounterOpts{Name: "zoomsync_api_writes_total", Help: "Zoom API POST, PATCH and DELETE requests sent."}),
		apiRetries:  prometheus.NewCounter(prometheus.CounterOpts{Name: "zoomsync_api_retries_total", Help: "Zoom API calls tried again (429, 5xx, network errors, token refresh)."}),
		api429:      prometheus.NewCounter(prometheus.CounterOpts{Name: "zoomsync_api_rate_limited_total", Help: "429 answers from Zoom."}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "zoomsync_run_duration_seconds", Help: "How long runs take.",
			Buckets: []float64{1, 5, 15, 30, 60, 120, 300, 600, 1800}}),
		lastSuccess: prometheus.NewGauge(prometheus.GaugeOpts{Name: "zoomsync_last_success_timestamp_seconds",
			Help: "Unix time of the last run that finished with every row in sync."}),
		lastRun: prometheus.NewGauge(prometheus.GaugeOpts{Name: "zoomsync_last_run_timestamp_seconds", Help: "Unix time the last run finished."}),
	}
	m.reg.MustRegister(m.runs, m.rows, m.apiRequests, m.apiWrites, m.apiRetries, m.api429, m.duration, m.lastSuccess, m.lastRun,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, r := range []string{resultOK, resultProblems, resultError, resultLocked, "skipped"} {
		m.runs.WithLabelValues(r) // export zeros, so alerts can use rate() from the start
	}
	return m
}

func (m *metrics) observe(rec runRecord) {
	m.runs.WithLabelValues(rec.Result).Inc()
	for outcome, n := range rec.Rows {
		m.rows.WithLabelValues(outcome).Add(float64(n))
	}
	m.apiRequests.Add(float64(rec.API.Requests))
	m.apiWrites.Add(float64(rec.API.Writes))
	m.apiRetries.Add(float64(rec.API.Retries))
	m.api429.Add(float64(rec.API.RateLimited))
	m.duration.Observe(rec.Seconds)
	m.lastRun.Set(float64(rec.Finished.Unix()))
	if rec.Result == resultOK {
		m.lastSuccess.Set(float64(rec.Finished.Unix()))
	}
}

func (m *metrics) skipped() { m.runs.WithLabelValues("skipped").Inc() }

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}
