package dev.kassa.gateway.checkout;

import io.micronaut.http.MediaType;

import io.micronaut.http.MutableHttpResponse;

import io.micronaut.http.HttpStatus;

import io.micronaut.http.HttpResponse;

import dev.kassa.router.Method;
import dev.kassa.schemas.avro.SessionState;
import java.time.Duration;
import java.util.List;

/**
 * The hosted checkout's HTML, rendered on the server: works without JavaScript (forms and links only; pages that
 * wait refresh themselves with {@code <meta http-equiv="refresh">}), one column that fits a phone, labelled fields
 * with the browser's card autofill hints, visible focus, and the status announced in a live region. No card number
 * is ever written into a page: an invalid number is answered with an empty field.
 */
public final class HostedPage {

    private HostedPage() {
    }

    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    public static String page(String title, String body, Integer refreshSeconds, String refreshTo) {
        String refresh = refreshSeconds == null ? "" : "<meta http-equiv=\"refresh\" content=\"" + refreshSeconds
                + (refreshTo == null ? "" : ";url=" + escape(refreshTo)) + "\">";
        return """
                <!doctype html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <meta name="robots" content="noindex">
                %s
                <title>%s</title>
                <style>
                  body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f4f5f7;color:#1b1f24}
                  main{max-width:28rem;margin:0 auto;padding:1.25rem}
                  .card{background:#fff;border-radius:.75rem;padding:1.25rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
                  h1{font-size:1.25rem;margin:0 0 .25rem} .amount{font-size:2rem;font-weight:700;margin:.5rem 0}
                  .muted{color:#4a535e} .error{background:#fdecea;color:#8a1c12;padding:.75rem;border-radius:.5rem}
                  label{display:block;font-weight:600;margin:.75rem 0 .25rem}
                  input{width:100%%;box-sizing:border-box;font-size:1.1rem;padding:.7rem;border:1px solid #8a939d;border-radius:.5rem}
                  button,.button{display:block;width:100%%;box-sizing:border-box;margin:.6rem 0;padding:.85rem;font-size:1.05rem;
                    border:0;border-radius:.5rem;background:#1746a2;color:#fff;text-align:center;text-decoration:none;cursor:pointer}
                  .secondary{background:#e7eaee;color:#1b1f24}
                  a:focus,button:focus,input:focus{outline:3px solid #f5a623;outline-offset:2px}
                  ul{padding-left:1.1rem} .row{display:flex;gap:.75rem} .row>div{flex:1}
                </style>
                </head>
                <body><main><div class="card">
                %s
                </div></main></body></html>
                """.formatted(refresh, escape(title), body);
    }

    public static String header(SessionState s, String amount, Duration left) {
        String time = left == null ? "" : "<p class=\"muted\" id=\"time-left\">Time left: " + (left.toMinutes()) + " min "
                + (left.toSecondsPart()) + " s</p>";
        return "<h1>Pay " + escape(s.getShopDomain()) + "</h1>"
                + "<p class=\"muted\">Order " + escape(s.getOrderId()) + "</p>"
                + "<p class=\"amount\" id=\"amount\">" + escape(amount) + " " + escape(s.getCurrency()) + "</p>" + time;
    }

    public static String methods(long session, List<Method> offered, String query) {
        StringBuilder b = new StringBuilder("<h2>How would you like to pay?</h2><nav aria-label=\"Payment methods\">");
        for (Method m : offered) {
            String href = m == Method.CRYPTO ? "/crypto.php?session=" + session + query : "/pay.php?session=" + session + "&method=" + m.slug() + query;
            b.append("<a class=\"button\" id=\"method-").append(m.slug()).append("\" href=\"").append(escape(href)).append("\">")
                    .append(escape(label(m))).append("</a>");
        }
        if (offered.isEmpty()) {
            b.append("<p class=\"error\" role=\"alert\">No payment method can take this payment here. Please contact the shop.</p>");
        }
        return b.append("</nav>").toString();
    }

    public static String label(Method m) {
        return switch (m) {
            case CARD -> "Card";
            case PAYPAL -> "PayPal";
            case REVOLUT -> "Revolut";
            case BANK -> "Bank transfer";
            case IDEAL -> "iDEAL";
            case OTHER -> "Other providers";
            case CRYPTO -> "Pay with crypto";
        };
    }

    public static String cardForm(long session, String provider, String query, boolean sandbox) {
        String hints = !sandbox ? "" : """
                <details><summary>Sandbox test cards</summary><ul>
                <li>4242 4242 4242 4242: succeeds</li><li>4000 0000 0000 9995: insufficient funds</li>
                <li>4000 0000 0000 0002: declined</li><li>4000 0000 0000 3220: 3-D Secure challenge</li>
                <li>4000 0000 0000 0259: review</li><li>4000 0000 0000 0119: provider error, then the next provider</li>
                </ul><p class="muted">Any future expiry date and any 3 digits.</p></details>""";
        return "<h2>Card</h2><p class=\"muted\">Processed by " + escape(provider) + "</p>"
                + "<form method=\"post\" action=\"/pay/card" + escape(query.isEmpty() ? "" : "?" + query.substring(1)) + "\" autocomplete=\"on\">"
                + "<input type=\"hidden\" name=\"session\" value=\"" + session + "\">"
                + "<input type=\"hidden\" name=\"provider\" value=\"" + escape(provider) + "\">"
                + "<label for=\"number\">Card number</label>"
                + "<input id=\"number\" name=\"number\" inputmode=\"numeric\" autocomplete=\"cc-number\" required maxlength=\"23\" "
                + "pattern=\"[0-9 \\-]{12,23}\" aria-describedby=\"number-help\"><p id=\"number-help\" class=\"muted\">12 to 19 digits</p>"
                + "<div class=\"row\"><div><label for=\"exp\">Expiry (MM/YY)</label>"
                + "<input id=\"exp\" name=\"exp\" autocomplete=\"cc-exp\" inputmode=\"numeric\" required maxlength=\"5\" placeholder=\"MM/YY\"></div>"
                + "<div><label for=\"cvc\">Security code</label>"
                + "<input id=\"cvc\" name=\"cvc\" autocomplete=\"cc-csc\" inputmode=\"numeric\" required maxlength=\"4\"></div></div>"
                + "<button type=\"submit\" id=\"pay\">Pay</button></form>" + hints;
    }

    public static String approveForm(long session, String provider, String method, String query) {
        return "<h2>" + escape(provider) + "</h2><p class=\"muted\">Sandbox " + escape(provider)
                + ": this step stands for the provider's own page.</p>"
                + "<form method=\"post\" action=\"/pay/approve" + escape(query.isEmpty() ? "" : "?" + query.substring(1)) + "\">"
                + "<input type=\"hidden\" name=\"session\" value=\"" + session + "\">"
                + "<input type=\"hidden\" name=\"provider\" value=\"" + escape(provider) + "\">"
                + "<input type=\"hidden\" name=\"method\" value=\"" + escape(method) + "\">"
                + "<button type=\"submit\" name=\"decision\" value=\"approve\" id=\"approve\">Approve payment</button>"
                + "<button type=\"submit\" name=\"decision\" value=\"decline\" id=\"decline\" class=\"secondary\">Decline</button></form>";
    }

    public static String challenge(long session, String provider, String attempt) {
        return "<h2>Confirm it is you</h2><p role=\"status\">Your bank asks you to confirm this payment (3-D Secure).</p>"
                + "<form method=\"post\" action=\"/pay/3ds\">"
                + "<input type=\"hidden\" name=\"session\" value=\"" + session + "\">"
                + "<input type=\"hidden\" name=\"provider\" value=\"" + escape(provider) + "\">"
                + "<input type=\"hidden\" name=\"attempt\" value=\"" + escape(attempt) + "\">"
                + "<button type=\"submit\" name=\"result\" value=\"pass\" id=\"complete-3ds\">Complete authentication</button>"
                + "<button type=\"submit\" name=\"result\" value=\"fail\" id=\"fail-3ds\" class=\"secondary\">Fail authentication</button></form>";
    }

    public static String otherWay(long session, String query) {
        return "<p><a id=\"other-way\" href=\"/pay.php?session=" + session + escape(query) + "\">Choose another way to pay</a></p>";
    }

    /** The buyer's 404: there is no checkout at this address. */
    public static MutableHttpResponse<String> notFoundPage() {
        return html(HttpStatus.NOT_FOUND, page("Checkout not found",
                "<h1>Checkout not found</h1><p role=\"status\">There is no checkout at this address. Please go back to the shop.</p>", null, null));
    }

    /** A page of the hosted checkout with its headers: never cached, never framed, no script, forms only to itself or https. */
    public static MutableHttpResponse<String> html(HttpStatus status, String body) {
        return HttpResponse.<String>status(status).contentType(MediaType.TEXT_HTML_TYPE.toString() + ";charset=utf-8")
                .header("Cache-Control", "no-store").header("X-Frame-Options", "DENY")
                .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' https:; "
                        + "frame-ancestors 'none'; base-uri 'none'")
                .header("Referrer-Policy", "same-origin").body(body);
    }

    /**
     * The page for a session that is not waiting for a payment (paid, in review, refunded, expired, cancelled, or
     * pending with the provider), or null for a created or failed session, which gets the methods.
     */
    public static MutableHttpResponse<String> statusPage(SessionState s, String amount, String query) {
        String title = "Pay " + s.getShopDomain();
        switch (s.getStatus()) {
            case PAID -> {
                String back = s.getReturnUrl();
                return html(HttpStatus.OK, page("Payment received", header(s, amount, null)
                        + "<p role=\"status\" id=\"outcome\">Payment received. Thank you!</p>"
                        + (back == null ? "" : "<a class=\"button\" id=\"back\" href=\"" + escape(back) + "\">Back to "
                        + escape(s.getShopDomain()) + "</a><p class=\"muted\">Taking you back in 5 seconds.</p>"),
                        back == null ? null : 5, back));
            }
            case REVIEW -> {
                return finalPage(s, amount, "Your payment was received and is being reviewed. The shop will confirm your order.", s.getReturnUrl());
            }
            case REFUNDED -> {
                return finalPage(s, amount, "This payment was refunded.", s.getReturnUrl());
            }
            case EXPIRED -> {
                return finalPage(s, amount, "This checkout has expired. Nothing was charged. Please start again at the shop.", s.getCancelUrl());
            }
            case CANCELLED -> {
                return finalPage(s, amount, "This checkout was cancelled. Nothing was charged.", s.getCancelUrl());
            }
            case PENDING -> {
                if ("3ds_challenge".equals(s.getNextAction())) {
                    return html(HttpStatus.OK, page(title, header(s, amount, null)
                            + challenge(s.getSessionId(), s.getProvider(), s.getAttemptId()), null, null));
                }
                return html(HttpStatus.OK, page("Confirming your payment", header(s, amount, null)
                        + "<p role=\"status\" id=\"outcome\">We are confirming your payment&hellip; this page updates by itself.</p>"
                        + "<p><a href=\"/pay.php?session=" + s.getSessionId() + escape(query) + "\">Refresh now</a></p>", 2, null));
            }
            default -> {
                return null; // created or failed: payable while not expired
            }
        }
    }

    /** A final page: what happened, and the way back to the shop. */
    public static MutableHttpResponse<String> finalPage(SessionState s, String amount, String message, String link) {
        return html(HttpStatus.OK, page(message, header(s, amount, null)
                + "<p role=\"status\" id=\"outcome\">" + escape(message) + "</p>"
                + (link == null ? "" : "<a class=\"button\" id=\"back\" href=\"" + escape(link) + "\">Back to "
                + escape(s.getShopDomain()) + "</a>"), null, null));
    }

    /** Live mode with no live connector: never a sandbox form, never card data taken for nothing. */
    public static MutableHttpResponse<String> noProvider(SessionState s, StringBuilder body, String title) {
        body.append("<p role=\"status\" id=\"outcome\">No payment provider is configured for this checkout yet, so it cannot take "
                + "a payment. Nothing was charged. Please contact the shop.</p>");
        if (s.getCancelUrl() != null) {
            body.append("<p><a id=\"cancel\" href=\"").append(escape(s.getCancelUrl())).append("\">Back to the shop</a></p>");
        }
        return html(HttpStatus.OK, page(title, body.toString(), null, null));
    }
}
