package dev.kassa.gateway.checkout;

import dev.kassa.gateway.kafka.MerchantDirectory;
import dev.kassa.gateway.pages.PageTemplates;
import dev.kassa.gateway.shared.ShopUrls;
import dev.kassa.model.Money;
import dev.kassa.router.Method;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.SessionState;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The buyer's pages — the hosted checkout of a session, a payment link's or product's page, the 404 — rendered from
 * the templates in {@code views/checkout/} with the dashboard's engine (Thymeleaf: it escapes what it writes, so no
 * text reaches a page unescaped). This class only builds their models and sets the headers every buyer's page gets.
 */
@Singleton
public final class CheckoutPages {

    /** Never cached, never framed, no script, forms only to itself or https. */
    private static final String PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' https:; "
            + "frame-ancestors 'none'; base-uri 'none'";
    /** A product page may show the merchant's https image; nothing else is loaded, and its form posts only here. */
    private static final String OFFER_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src https:; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'";

    private final PageTemplates templates;
    private final MerchantDirectory merchants;

    CheckoutPages(PageTemplates templates, MerchantDirectory merchants) {
        this.templates = templates;
        this.merchants = merchants;
    }

    /**
     * The model every page of a session starts from: the shop (its display name, else its domain, and where buyers get
     * help), the order, the amount and (while payable) the time left.
     */
    public Map<String, Object> summary(SessionState s, String amount, Duration left) {
        Map<String, Object> model = new HashMap<>();
        Seller seller = Seller.of(merchants.merchant(s.getMerchantId()), s.getShopDomain());
        model.put("title", "Pay " + seller.name());
        seller.into(model);
        model.put("order", s.getOrderId());
        putIfPresent(model, "description", s.getDescription());
        if (!s.getLineItems().isEmpty()) {
            model.put("lines", s.getLineItems().stream().map(l -> Map.of("name", l.getName(), "quantity", l.getQuantity(),
                    "total", Money.toDecimal(l.getUnitAmountMinor() * l.getQuantity(), s.getCurrency()))).toList());
        }
        model.put("amount", amount);
        model.put("currency", s.getCurrency());
        model.put("session", s.getSessionId());
        if (left != null) {
            model.put("timeLeft", left.toMinutes() + " min " + left.toSecondsPart() + " s");
        }
        return model;
    }

    /**
     * Who sells, as buyers see it: the merchant's display name (else the shop's domain) and its support e-mail and page,
     * each shown only when the merchant set it.
     */
    public record Seller(String name, String supportEmail, String supportUrl) {

        /** The merchant's profile, with {@code domain} as the name when it set none (a null merchant: the domain only). */
        public static Seller of(Merchant merchant, String domain) {
            if (merchant == null) {
                return new Seller(domain, null, null);
            }
            return new Seller(merchant.getDisplayName() != null ? merchant.getDisplayName() : domain, merchant.getSupportEmail(),
                    merchant.getSupportUrl());
        }

        void into(Map<String, Object> model) {
            model.put("shop", name);
            putIfPresent(model, "supportEmail", supportEmail);
            putIfPresent(model, "supportUrl", supportUrl);
        }
    }

    /** One way to pay offered on the page. */
    public static Map<String, String> method(long session, Method m, String query) {
        String href = m == Method.CRYPTO ? "/crypto.php?session=" + session + query : "/pay.php?session=" + session + "&method=" + m.slug() + query;
        return Map.of("slug", m.slug(), "href", href, "label", label(m));
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

    /** The form's target with the kept query (the development country override), e.g. {@code /pay/card?country=NL}. */
    static String action(String path, String query) {
        return path + (query.isEmpty() ? "" : "?" + query.substring(1));
    }

    /** Live mode with no live connector: never a sandbox form, never card data taken for nothing. */
    static Map<String, Object> noProvider(Map<String, Object> page, SessionState s) {
        page.remove("refresh");
        page.put("outcome", "No payment provider is configured for this checkout yet, so it cannot take a payment. "
                + "Nothing was charged. Please contact the shop.");
        return withCancel(page, s);
    }

    /** The form of the way to pay the buyer chose: the card form, or the sandbox provider's approve/decline step. */
    static Map<String, Object> paymentForm(Map<String, Object> page, SessionState s, Method method, String provider, String query,
                                           boolean sandbox, boolean ownPage) {
        page.put("provider", provider);
        if (ownPage) {
            // The provider's own page takes the card (Stripe Checkout): one button starts the attempt and goes there.
            page.put("redirect", method.slug());
            page.put("providerName", provider.substring(0, 1).toUpperCase(Locale.ROOT) + provider.substring(1));
            page.put("action", action("/pay/approve", query));
        } else if (method == Method.CARD) {
            page.put("card", true);
            page.put("sandbox", sandbox);
            page.put("action", action("/pay/card", query));
        } else {
            page.put("approve", method.slug());
            page.put("action", action("/pay/approve", query));
        }
        page.put("otherWay", "/pay.php?session=" + s.getSessionId() + query);
        return withCancel(page, s);
    }

    /** The ways to pay this buyer may choose, and the way back to the shop. */
    static Map<String, Object> methodChoice(Map<String, Object> page, SessionState s, List<Method> offered, String query) {
        page.put("methods", methods(s.getSessionId(), offered, query));
        return withCancel(page, s);
    }

    /**
     * The buyer's way out while no attempt is pending: a form that cancels the session ({@link BuyerCancelController})
     * and then goes to the shop's cancel URL.
     */
    private static Map<String, Object> withCancel(Map<String, Object> page, SessionState s) {
        page.put("cancellable", true);
        page.put("cancelLabel", s.getCancelUrl() == null ? "Cancel this payment" : "Cancel and return to " + page.get("shop"));
        return page;
    }

    /** The shop's return URL with this session's id, or null. */
    static String returnUrl(SessionState s) {
        return ShopUrls.withSessionId(s.getReturnUrl(), s.getSessionId());
    }

    /** The shop's cancel URL with this session's id, or null. */
    static String cancelUrl(SessionState s) {
        return ShopUrls.withSessionId(s.getCancelUrl(), s.getSessionId());
    }

    /** A page of a session's checkout. */
    public MutableHttpResponse<String> session(HttpStatus status, Map<String, Object> model) {
        return render(status, "checkout/session", model, PAGE_POLICY);
    }

    /**
     * The page for a session that is not waiting for a payment (paid, in review, refunded, expired, cancelled, or
     * pending with the provider), or null for a created or failed session, which gets the methods.
     */
    public MutableHttpResponse<String> statusPage(SessionState s, String amount, String query) {
        switch (s.getStatus()) {
            case PAID -> {
                Map<String, Object> model = summary(s, amount, null);
                model.put("title", "Payment received");
                model.put("outcome", "Payment received. Thank you!");
                if (s.getReturnUrl() != null) {
                    model.put("back", returnUrl(s));
                    model.put("backSoon", true);
                    model.put("refresh", "5;url=" + returnUrl(s));
                }
                return session(HttpStatus.OK, model);
            }
            case REVIEW -> {
                return finalPage(s, amount, "Your payment was received and is being reviewed. The shop will confirm your order.", returnUrl(s));
            }
            case REFUNDED -> {
                return finalPage(s, amount, "This payment was refunded.", returnUrl(s));
            }
            case EXPIRED -> {
                return finalPage(s, amount, "This checkout has expired. Nothing was charged. Please start again at the shop.", cancelUrl(s));
            }
            case CANCELLED -> {
                return finalPage(s, amount, "This checkout was cancelled. Nothing was charged.", cancelUrl(s));
            }
            case PENDING -> {
                Map<String, Object> model = summary(s, amount, null);
                if ("3ds_challenge".equals(s.getNextAction())) {
                    model.put("challenge", s.getAttemptId());
                    model.put("provider", s.getProvider());
                    return session(HttpStatus.OK, model);
                }
                model.put("title", "Confirming your payment");
                model.put("outcome", "We are confirming your payment\u2026 this page updates by itself.");
                model.put("refreshLink", "/pay.php?session=" + s.getSessionId() + query);
                model.put("refresh", "2");
                return session(HttpStatus.OK, model);
            }
            default -> {
                return null; // created or failed: payable while not expired
            }
        }
    }

    /** A final page: what happened, and the way back to the shop. */
    public MutableHttpResponse<String> finalPage(SessionState s, String amount, String message, String link) {
        Map<String, Object> model = summary(s, amount, null);
        model.put("title", message);
        model.put("outcome", message);
        if (link != null) {
            model.put("back", link);
        }
        return session(HttpStatus.OK, model);
    }

    /** A 303 to {@code location}: the buyer's next page after a form. */
    static HttpResponse<String> seeOther(String location) {
        return HttpResponse.<String>status(HttpStatus.SEE_OTHER).header("Location", location);
    }

    /** The buyer's 404: there is no checkout at this address. */
    public MutableHttpResponse<String> notFound() {
        return render(HttpStatus.NOT_FOUND, "checkout/not-found", Map.of(), PAGE_POLICY);
    }

    /** What a payment link's or a product's page shows. */
    public record Offer(Seller seller, String title, String description, String image, String amount, String currency,
                        String action, String closed, String error) {
    }

    /** A payment link's or a product's page: what is sold, by whom, and one button (or why it cannot be bought now). */
    public MutableHttpResponse<String> offer(HttpStatus status, Offer offer) {
        Map<String, Object> model = new HashMap<>();
        model.put("seller", offer.seller().name());
        putIfPresent(model, "supportEmail", offer.seller().supportEmail());
        putIfPresent(model, "supportUrl", offer.seller().supportUrl());
        model.put("title", offer.title());
        model.put("amount", offer.amount());
        model.put("currency", offer.currency());
        model.put("action", offer.action());
        putIfPresent(model, "description", offer.description() == null || offer.description().isEmpty() ? null : offer.description());
        putIfPresent(model, "image", offer.image());
        putIfPresent(model, "closed", offer.closed());
        putIfPresent(model, "error", offer.error());
        return render(status, "checkout/offer", model, OFFER_POLICY);
    }

    private static void putIfPresent(Map<String, Object> model, String key, Object value) {
        if (value != null) {
            model.put(key, value);
        }
    }

    /** A page with the headers every buyer's page gets; a template that fails is a 500 page of its own. */
    private MutableHttpResponse<String> render(HttpStatus status, String view, Map<String, ?> model, String policy) {
        String html = templates.render(view, model).orElse(null);
        if (html == null) {
            status = HttpStatus.INTERNAL_SERVER_ERROR;
            html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Checkout</title></head><body>"
                    + "<p>This page could not be shown. Nothing was charged by showing it; please try again.</p></body></html>";
        }
        return HttpResponse.<String>status(status).contentType(MediaType.TEXT_HTML_TYPE.toString() + ";charset=utf-8")
                .header("Cache-Control", "no-store").header("X-Frame-Options", "DENY")
                .header("Content-Security-Policy", policy)
                .header("Referrer-Policy", "same-origin").body(html);
    }

    /** The methods offered, as the page lists them. */
    public static List<Map<String, String>> methods(long session, List<Method> offered, String query) {
        return offered.stream().map(m -> method(session, m, query)).toList();
    }
}
