package dev.kassa.gateway;

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
final class HostedPage {

    private HostedPage() {
    }

    static String escape(String text) {
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

    static String page(String title, String body, Integer refreshSeconds, String refreshTo) {
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

    static String header(SessionState s, String amount, Duration left) {
        String time = left == null ? "" : "<p class=\"muted\" id=\"time-left\">Time left: " + (left.toMinutes()) + " min "
                + (left.toSecondsPart()) + " s</p>";
        return "<h1>Pay " + escape(s.getShopDomain()) + "</h1>"
                + "<p class=\"muted\">Order " + escape(s.getOrderId()) + "</p>"
                + "<p class=\"amount\" id=\"amount\">" + escape(amount) + " " + escape(s.getCurrency()) + "</p>" + time;
    }

    static String methods(long session, List<Method> offered, String query) {
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

    static String label(Method m) {
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

    static String cardForm(long session, String provider, String query, boolean sandbox) {
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

    static String approveForm(long session, String provider, String method, String query) {
        return "<h2>" + escape(provider) + "</h2><p class=\"muted\">Sandbox " + escape(provider)
                + ": this step stands for the provider's own page.</p>"
                + "<form method=\"post\" action=\"/pay/approve" + escape(query.isEmpty() ? "" : "?" + query.substring(1)) + "\">"
                + "<input type=\"hidden\" name=\"session\" value=\"" + session + "\">"
                + "<input type=\"hidden\" name=\"provider\" value=\"" + escape(provider) + "\">"
                + "<input type=\"hidden\" name=\"method\" value=\"" + escape(method) + "\">"
                + "<button type=\"submit\" name=\"decision\" value=\"approve\" id=\"approve\">Approve payment</button>"
                + "<button type=\"submit\" name=\"decision\" value=\"decline\" id=\"decline\" class=\"secondary\">Decline</button></form>";
    }

    static String challenge(long session, String provider, String attempt) {
        return "<h2>Confirm it is you</h2><p role=\"status\">Your bank asks you to confirm this payment (3-D Secure).</p>"
                + "<form method=\"post\" action=\"/pay/3ds\">"
                + "<input type=\"hidden\" name=\"session\" value=\"" + session + "\">"
                + "<input type=\"hidden\" name=\"provider\" value=\"" + escape(provider) + "\">"
                + "<input type=\"hidden\" name=\"attempt\" value=\"" + escape(attempt) + "\">"
                + "<button type=\"submit\" name=\"result\" value=\"pass\" id=\"complete-3ds\">Complete authentication</button>"
                + "<button type=\"submit\" name=\"result\" value=\"fail\" id=\"fail-3ds\" class=\"secondary\">Fail authentication</button></form>";
    }

    static String otherWay(long session, String query) {
        return "<p><a id=\"other-way\" href=\"/pay.php?session=" + session + escape(query) + "\">Choose another way to pay</a></p>";
    }
}
