package dev.kassa.gateway.links;

import dev.kassa.gateway.kafka.CommandBus;
import dev.kassa.gateway.kafka.OfferStore;
import dev.kassa.gateway.kafka.SessionReads;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.Secrets;
import dev.kassa.gateway.shared.SessionCommands;
import dev.kassa.model.ErrorCode;
import dev.kassa.model.Money;
import dev.kassa.model.SeedTime;
import dev.kassa.schemas.avro.CommandOutcome;
import dev.kassa.schemas.avro.CommandResult;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.Product;
import dev.kassa.schemas.avro.SessionCommand;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Products with a hosted page {@code /p/{slug}} (seed 003's product landing pages): made and changed by the merchant
 * (dashboard) or the operator ({@code /admin/merchants/{id}/products}), both as a {@link ProductSpec}; the buy button creates a session under the
 * platform's domain, as a payment link does, with no limit on how many. An inactive product's page is a 404.
 */
@Singleton
public final class Products {

    static final Pattern SLUG = Pattern.compile("[a-z0-9](?:[a-z0-9-]{1,62})[a-z0-9]");
    static final int MAX_NAME = 120;
    static final int MAX_DESCRIPTION = 1000;
    static final int MAX_URL = 2048;
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final CommandBus commandBus;
    private final OfferStore offerStore;
    private final SessionReads sessionReads;
    private final GatewaySettings settings;
    private final SessionCommands commands;
    private final PlatformSessions sessions;

    Products(CommandBus commandBus, OfferStore offerStore, SessionReads sessionReads, GatewaySettings settings,
             SessionCommands commands, PlatformSessions sessions) {
        this.commandBus = commandBus;
        this.offerStore = offerStore;
        this.sessionReads = sessionReads;
        this.settings = settings;
        this.commands = commands;
        this.sessions = sessions;
    }

    /** A new product; {@code slug_taken} when any merchant's product has the slug. Nothing is stored when a field is wrong. */
    public Product create(long merchantId, ProductSpec spec) throws Exception {
        String slug = spec.slug();
        if (slug == null || slug.isBlank()) {
            throw ApiError.missingField("slug");
        }
        slug = slug.strip();
        if (slug.length() > 64 || !SLUG.matcher(slug).matches()) {
            throw new ApiError(ErrorCode.INVALID_SLUG, "'slug' is 3 to 64 lower-case letters, digits and dashes (not first or last), such as blue-mug");
        }
        String name = Offers.text(spec.name(), "name", ErrorCode.INVALID_NAME, 1, MAX_NAME);
        String description = Offers.text(spec.description(), "description", ErrorCode.INVALID_DESCRIPTION, 0, MAX_DESCRIPTION);
        Offers.Amount price = Offers.price(spec.amount(), spec.currency());
        String image = imageUrl(spec.imageUrl());
        if (offerStore.product(slug) != null) {
            throw new ApiError(ErrorCode.SLUG_TAKEN, "a product with the slug '" + slug + "' exists; choose another");
        }
        Instant now = commands.now();
        Product product = Product.newBuilder().setSlug(slug).setMerchantId(merchantId).setName(name).setDescription(description)
                .setAmountMinor(price.amountMinor()).setCurrency(price.currency()).setImageUrl(image)
                .setActive(spec.active() == null || spec.active()).setCreatedAt(now).setUpdatedAt(now).build();
        return stored(product);
    }

    /** Changes the fields the patch names; the rest stay. */
    public Product change(long merchantId, String slug, ProductSpec.Patch patch) throws Exception {
        Product current = own(merchantId, slug);
        Product.Builder next = Product.newBuilder(current).setUpdatedAt(commands.now());
        if (patch.name() != null) {
            next.setName(Offers.text(patch.name(), "name", ErrorCode.INVALID_NAME, 1, MAX_NAME));
        }
        if (patch.description() != null) {
            next.setDescription(Offers.text(patch.description(), "description", ErrorCode.INVALID_DESCRIPTION, 0, MAX_DESCRIPTION));
        }
        if (patch.price() != null) {
            Offers.Amount price = Offers.price(patch.price().amount(), patch.price().currency());
            next.setAmountMinor(price.amountMinor()).setCurrency(price.currency());
        }
        if (patch.imageUrl() != null) {
            next.setImageUrl(imageUrl(patch.imageUrl()));
        }
        if (patch.active() != null) {
            next.setActive(patch.active());
        }
        return stored(next.build());
    }

    /** The merchant's product with this slug, or {@code not_found}. */
    public Product own(long merchantId, String slug) {
        Product product = offerStore.product(slug);
        if (product == null || product.getMerchantId() != merchantId) {
            throw new ApiError(ErrorCode.NOT_FOUND, "no product with this slug for this merchant");
        }
        return product;
    }

    /** The buy button: a session for one of the product at its price; the checkout URL, or null when Kafka did not answer. */
    public String buy(Product product, Merchant merchant, String customerEmail) throws Exception {
        long sessionId = Secrets.id();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("product", product.getSlug());
        SessionCommand create = sessions.create("product-" + UUID.randomUUID(), sessionId, merchant, "buyer:product-page",
                "product:" + product.getSlug(), product.getAmountMinor(), product.getCurrency(), customerEmail, meta);
        CommandResult result;
        try {
            result = commandBus.send(create, WAIT);
        } catch (TimeoutException e) {
            return null;
        }
        if (result.getOutcome() != CommandOutcome.APPLIED) {
            return null;
        }
        sessionReads.knownSession(sessionId, Duration.ofSeconds(2));
        return sessions.checkoutUrl(sessionId);
    }

    public Map<String, Object> describe(Product p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("slug", p.getSlug());
        out.put("url", url(p));
        out.put("name", p.getName());
        out.put("description", p.getDescription());
        out.put("amount", Money.toDecimal(p.getAmountMinor(), p.getCurrency()));
        out.put("currency", p.getCurrency());
        out.put("image_url", p.getImageUrl());
        out.put("active", p.getActive());
        out.put("created_at", SeedTime.format(p.getCreatedAt()));
        return out;
    }

    /** The product's page. */
    public String url(Product product) {
        return settings.publicUrl() + "/p/" + product.getSlug();
    }

    private Product stored(Product product) throws Exception {
        Product stored = offerStore.putProduct(product, WAIT);
        if (stored == null) {
            throw new ApiError(ErrorCode.UNAVAILABLE, "the product was written but is not readable yet; retry the read");
        }
        return stored;
    }

    static String imageUrl(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        url = url.strip();
        if (url.length() > MAX_URL || !url.toLowerCase(Locale.ROOT).startsWith("https://") || url.length() <= "https://".length()
                || url.chars().anyMatch(c -> c <= ' ' || c == '"' || c == '<' || c == '>')) {
            throw new ApiError(ErrorCode.INVALID_IMAGE_URL, "'image_url' must be an https URL of at most " + MAX_URL + " characters");
        }
        return url;
    }
}
