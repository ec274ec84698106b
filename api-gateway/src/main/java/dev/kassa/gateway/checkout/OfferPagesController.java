package dev.kassa.gateway.checkout;

import dev.kassa.gateway.kafka.MerchantDirectory;
import dev.kassa.gateway.kafka.OfferStore;
import dev.kassa.gateway.links.PaymentLinks;
import dev.kassa.gateway.links.Products;
import dev.kassa.gateway.shared.RateLimiter;
import dev.kassa.model.ErrorCode;
import dev.kassa.model.Money;
import dev.kassa.observability.Redaction;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.PaymentLink;
import dev.kassa.schemas.avro.Product;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Hidden;
import java.net.URI;
import java.util.Map;

/**
 * The platform-hosted pages of seed 003's no-code path: a payment link ({@code /link/{code}}) and a product
 * ({@code /p/{slug}}). Each shows the seller, what is sold and the price, with one button (and an optional e-mail
 * field for the receipt); the button creates a checkout session and answers 303 to the hosted checkout. The seller is
 * named by the merchant's first shop domain (merchants have no display name). Same look as the checkout; no script.
 */
@Hidden
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
class OfferPagesController {

    private final MerchantDirectory merchantDirectory;
    private final OfferStore offerStore;
    private final PaymentLinks links;
    private final Products products;
    private final CheckoutPages pages;
    /**
     * Opens (each a new session, a webhook and maybe a hold) of one link or product, and of one merchant's links and
     * products together, whatever the buyers' addresses: a popular or hammered link slows only itself and its merchant
     * (docs/SECURITY.md). Past them the buyer gets "busy, try again in a few seconds" (429 with Retry-After).
     */
    private final RateLimiter perOffer = new RateLimiter(OPENS_PER_OFFER, OPENS_PER_OFFER * 2);
    private final RateLimiter perMerchant = new RateLimiter(OPENS_PER_MERCHANT, OPENS_PER_MERCHANT * 2);
    static final double OPENS_PER_OFFER = 20;
    static final double OPENS_PER_MERCHANT = 50;

    OfferPagesController(MerchantDirectory merchantDirectory, OfferStore offerStore, PaymentLinks links, Products products,
                         CheckoutPages pages) {
        this.pages = pages;
        this.merchantDirectory = merchantDirectory;
        this.offerStore = offerStore;
        this.links = links;
        this.products = products;
    }

    @Get("/link/{code}")
    @Produces(MediaType.TEXT_HTML)
    HttpResponse<String> link(String code) {
        PaymentLink link = offerStore.linkByCode(code);
        Merchant merchant = link == null ? null : merchantDirectory.merchant(link.getMerchantId());
        if (merchant == null) {
            throw new CheckoutNotFound(); // thrown, not returned: the one 404 page of FrameworkErrors (FrameworkErrors.checkoutNotFound)
        }
        // What a buyer would meet on pressing the button, in the same words as the refusal after it.
        String closed = links.closedBecause(link).map(why -> PaymentLinks.words(why, link)).orElse(null);
        return offerPage(HttpStatus.OK, seller(merchant), link.getDescription(), null, null,
                Money.toDecimal(link.getAmountMinor(), link.getCurrency()), link.getCurrency(), "/link/" + code, closed, null);
    }

    @Post("/link/{code}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    HttpResponse<String> openLink(String code, @Body Map<String, String> form) throws Exception {
        PaymentLink link = offerStore.linkByCode(code);
        Merchant merchant = link == null ? null : merchantDirectory.merchant(link.getMerchantId());
        if (merchant == null) {
            throw new CheckoutNotFound(); // thrown, not returned: the one 404 page of FrameworkErrors (FrameworkErrors.checkoutNotFound)
        }
        String amount = Money.toDecimal(link.getAmountMinor(), link.getCurrency());
        String email = email(form);
        if (email == null) {
            return offerPage(HttpStatus.BAD_REQUEST, seller(merchant), link.getDescription(), null, null, amount, link.getCurrency(),
                    "/link/" + code, null, "That e-mail address does not look right. Correct it, or leave the field empty.");
        }
        if (merchant.getDisabled()) {
            return offerPage(HttpStatus.GONE, seller(merchant), link.getDescription(), null, null, amount, link.getCurrency(), "/link/" + code,
                    "This seller is not taking payments now.", null);
        }
        long wait = opens("link:" + link.getLinkId(), merchant);
        if (wait > 0) {
            return busy(offerPage(HttpStatus.TOO_MANY_REQUESTS, seller(merchant), link.getDescription(), null, null, amount, link.getCurrency(),
                    "/link/" + code, null, BUSY), wait);
        }
        PaymentLinks.Opened opened = links.open(link, merchant, email.isEmpty() ? null : email);
        if (opened.checkoutUrl() != null) {
            return seeOther(opened.checkoutUrl());
        }
        ErrorCode error = opened.refusal();
        return offerPage(HttpStatus.valueOf(error.httpStatus()), seller(merchant), link.getDescription(), null, null, amount,
                link.getCurrency(), "/link/" + code, opened.message(), null);
    }

    @Get("/p/{slug}")
    @Produces(MediaType.TEXT_HTML)
    HttpResponse<String> product(String slug) {
        Product product = offerStore.product(slug);
        Merchant merchant = product == null || !product.getActive() ? null : merchantDirectory.merchant(product.getMerchantId());
        if (merchant == null) {
            throw new CheckoutNotFound(); // thrown, not returned: the one 404 page of FrameworkErrors (FrameworkErrors.checkoutNotFound)
        }
        return offerPage(HttpStatus.OK, seller(merchant), product.getName(), product.getDescription(), product.getImageUrl(),
                Money.toDecimal(product.getAmountMinor(), product.getCurrency()), product.getCurrency(), "/p/" + slug, null, null);
    }

    @Post("/p/{slug}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    HttpResponse<String> buy(String slug, @Body Map<String, String> form) throws Exception {
        Product product = offerStore.product(slug);
        Merchant merchant = product == null || !product.getActive() ? null : merchantDirectory.merchant(product.getMerchantId());
        if (merchant == null) {
            throw new CheckoutNotFound(); // thrown, not returned: the one 404 page of FrameworkErrors (FrameworkErrors.checkoutNotFound)
        }
        String amount = Money.toDecimal(product.getAmountMinor(), product.getCurrency());
        String email = email(form);
        if (email == null || merchant.getDisabled()) {
            return offerPage(email == null ? HttpStatus.BAD_REQUEST : HttpStatus.GONE, seller(merchant), product.getName(), product.getDescription(),
                    product.getImageUrl(), amount, product.getCurrency(), "/p/" + slug, email == null ? null : "This seller is not taking payments now.",
                    email == null ? "That e-mail address does not look right. Correct it, or leave the field empty." : null);
        }
        long wait = opens("product:" + product.getSlug(), merchant);
        if (wait > 0) {
            return busy(offerPage(HttpStatus.TOO_MANY_REQUESTS, seller(merchant), product.getName(), product.getDescription(),
                    product.getImageUrl(), amount, product.getCurrency(), "/p/" + slug, null, BUSY), wait);
        }
        String checkout = products.buy(product, merchant, email.isEmpty() ? null : email);
        if (checkout == null) {
            return offerPage(HttpStatus.SERVICE_UNAVAILABLE, seller(merchant), product.getName(), product.getDescription(), product.getImageUrl(),
                    amount, product.getCurrency(), "/p/" + slug, null, "The checkout could not be opened right now. Please try again in a moment.");
        }
        return seeOther(checkout);
    }

    private static final String BUSY = "Many buyers are opening this page right now. Please try again in a few seconds.";

    /** 0 when this offer and its merchant may open another checkout now, else the seconds to wait. */
    private long opens(String offer, Merchant merchant) {
        long now = System.nanoTime();
        long wait = perOffer.acquire(offer, now);
        return wait > 0 ? wait : perMerchant.acquire(Long.toString(merchant.getMerchantId()), now);
    }

    private static MutableHttpResponse<String> busy(MutableHttpResponse<String> page, long seconds) {
        page.getHeaders().set("Retry-After", Long.toString(seconds));
        return page;
    }

    /** The e-mail field: "" when left empty, null when it is not an address (or holds a card number). */
    static String email(Map<String, String> form) {
        String email = form.getOrDefault("email", "").strip();
        if (email.isEmpty()) {
            return "";
        }
        boolean ok = email.length() <= 254 && email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+") && !Redaction.containsCard(email);
        return ok ? email : null;
    }

    private static CheckoutPages.Seller seller(Merchant merchant) {
        return CheckoutPages.Seller.of(merchant, merchant.getDomains().isEmpty() ? "the seller" : merchant.getDomains().get(0));
    }

    private MutableHttpResponse<String> offerPage(HttpStatus status, CheckoutPages.Seller seller, String title, String description, String image,
                                                  String amount, String currency, String action, String closed, String error) {
        return pages.offer(status, new CheckoutPages.Offer(seller, title, description, image, amount, currency, action, closed, error));
    }

    private static MutableHttpResponse<String> seeOther(String url) {
        return HttpResponse.<String>status(HttpStatus.SEE_OTHER).headers(h -> h.location(URI.create(url)));
    }
}
