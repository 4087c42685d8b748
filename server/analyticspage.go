package server

import (
	"log/slog"
	"net/http"
)

// handleAnalyticsPage answers GET /admin/analytics: the page where the
// clinic reads what its readers searched for (GET /api/admin/analytics),
// in the reader's language. The page holds no data and no secret: its
// script asks for the admin token, keeps it in a variable of the page (never
// in the address, a cookie or storage), fetches the report and draws it.
func handleAnalyticsPage(logger *slog.Logger, st *site) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		varyLang(w)
		st.render(w, r, logger, http.StatusOK, "analytics.html", struct{ Lang string }{pageLang(r)})
	})
}
