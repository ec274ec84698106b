package dev.kassa.gateway.dashboard;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;

/**
 * The dashboard's page for a form post the server could not read: an empty body, one that is not a web form, one
 * larger than the server takes, or bytes that do not decode. The framework refuses these before any dashboard
 * controller runs (a missing or undecodable body), so {@code FrameworkErrors} sends every such refusal under
 * {@code /dashboard} here: a 400 page in the dashboard's shape, never a 500 or a JSON error in a merchant's browser.
 * One static page: nothing of the request is echoed.
 */
public final class DashboardBadForm {

    private static final String PAGE = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex"><title>Form not read · Kassa dashboard</title>
            <link rel="icon" href="data:,"><link rel="stylesheet" href="/dashboard/assets/kassa.css"></head>
            <body><main id="main" class="narrow"><h1>The form could not be read</h1><div class="card">
            <p>What arrived was empty, too large, or not a web form, so nothing was changed. Go back to the page, reload it,
            and send the form from there.</p>
            <p><a href="/dashboard">The dashboard</a></p></div></main></body></html>
            """;

    private DashboardBadForm() {
    }

    public static MutableHttpResponse<String> page() {
        return HttpResponse.<String>status(HttpStatus.BAD_REQUEST).body(PAGE).contentType(MediaType.TEXT_HTML_TYPE)
                .header("Content-Security-Policy", DashboardPages.PAGE_POLICY).header("Referrer-Policy", "same-origin")
                .header("Cache-Control", "no-store");
    }

    /** Whether {@code path} is one of the dashboard's (its forms post under it). */
    public static boolean covers(String path) {
        return path.equals("/dashboard") || path.startsWith("/dashboard/");
    }
}
