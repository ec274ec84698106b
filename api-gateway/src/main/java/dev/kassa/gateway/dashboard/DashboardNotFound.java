package dev.kassa.gateway.dashboard;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;

/**
 * The dashboard's 404 page: a path under {@code /dashboard} that does not exist, or a session that is not the
 * signed-in merchant's (the same answer, so ids cannot be probed). The framework's 404 handler sends every 404 under
 * {@code /dashboard} here, so it is one static page.
 */
public final class DashboardNotFound {

    private static final String PAGE = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex"><title>Not found · Kassa dashboard</title>
            <link rel="icon" href="data:,"><link rel="stylesheet" href="/dashboard/assets/kassa.css"></head>
            <body><main id="main" class="narrow"><h1>Not found</h1><div class="card">
            <p>There is no such session among yours, and no such page.</p>
            <p><a href="/dashboard/payments">Your payments</a> · <a href="/dashboard">the dashboard</a></p></div></main></body></html>
            """;

    private DashboardNotFound() {
    }

    /**
     * What a dashboard controller throws for a session or product that is not the signed-in merchant's: the global
     * handler answers {@link #page()} once (a returned 404 goes through the framework's 404 route again, the shape that
     * once looped Micronaut: see {@code HostedPageController.notFound}).
     */
    public static final class Missing extends RuntimeException {
        public Missing() {
            super("not found in the dashboard", null, false, false);
        }
    }

    public static MutableHttpResponse<String> page() {
        return HttpResponse.<String>status(HttpStatus.NOT_FOUND).body(PAGE).contentType(MediaType.TEXT_HTML_TYPE)
                .header("Content-Security-Policy", DashboardPages.PAGE_POLICY).header("Referrer-Policy", "same-origin");
    }
}
