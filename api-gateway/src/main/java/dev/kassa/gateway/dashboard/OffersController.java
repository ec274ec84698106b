package dev.kassa.gateway.dashboard;

import dev.kassa.gateway.kafka.MerchantDirectory;
import dev.kassa.gateway.kafka.OfferStore;
import dev.kassa.gateway.links.LinkSpec;
import dev.kassa.gateway.links.Offers;
import dev.kassa.gateway.links.PaymentLinks;
import dev.kassa.gateway.links.ProductSpec;
import dev.kassa.gateway.links.Products;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.schemas.avro.Merchant;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The no-code pages of the dashboard (seed 003, section 8): payment links (make, list with their address to copy, turn
 * off and on) and products (make, list with their page, turn off and on). The payout wallet is on the settings page.
 * Every change goes through the same code as the merchant API and the operator API, with the same checks and codes.
 */
@Controller("/dashboard")
@ExecuteOn(TaskExecutors.BLOCKING)
@Hidden
class OffersController {

    private final MerchantDirectory merchantDirectory;
    private final OfferStore offerStore;
    private final PaymentLinks links;
    private final Products products;
    private final DashboardPages pages;

    OffersController(MerchantDirectory merchantDirectory, OfferStore offerStore, PaymentLinks links,
                     Products products, DashboardPages pages) {
        this.merchantDirectory = merchantDirectory;
        this.offerStore = offerStore;
        this.links = links;
        this.products = products;
        this.pages = pages;
    }

    @Get("/links")
    HttpResponse<?> linksPage(DashboardSessions.Principal who, HttpRequest<?> request) {
        return linksPage(who, HttpStatus.OK, null, done(request), Map.of());
    }

    @Post("/links")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> createLink(DashboardSessions.Principal who, @Body Map<String, String> form) throws Exception {
        Merchant merchant = merchantDirectory.merchant(who.merchantId());
        try {
            links.create(merchant, linkSpec(form));
        } catch (ApiError e) {
            return linksPage(who, HttpStatus.BAD_REQUEST, "Not made: " + e.getMessage(), null, form);
        }
        return pages.redirect("/dashboard/links?done=link-created");
    }

    @Post("/links/{linkId}/active")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> linkActive(DashboardSessions.Principal who, @PathVariable String linkId, @Body Map<String, String> form) throws Exception {
        Merchant merchant = merchantDirectory.merchant(who.merchantId());
        try {
            links.setActive(merchant, linkId, "true".equals(form.get("active")));
        } catch (ApiError e) {
            return pages.render(HttpStatus.NOT_FOUND, "dashboard/message", message(who, "No such payment link", "links"));
        }
        return pages.redirect("/dashboard/links?done=link-changed");
    }

    @Get("/products")
    HttpResponse<?> productsPage(DashboardSessions.Principal who, HttpRequest<?> request) {
        return productsPage(who, HttpStatus.OK, null, done(request), Map.of());
    }

    @Post("/products")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> createProduct(DashboardSessions.Principal who, @Body Map<String, String> form) throws Exception {
        try {
            products.create(who.merchantId(), new ProductSpec(field(form, "slug"), field(form, "name"), field(form, "description"),
                    field(form, "amount"), field(form, "currency"), field(form, "image_url"), null));
        } catch (ApiError e) {
            return productsPage(who, HttpStatus.BAD_REQUEST, "Not made: " + e.getMessage(), null, form);
        }
        return pages.redirect("/dashboard/products?done=product-created");
    }

    /** {@code GET /dashboard/products/{slug}}: the product's edit form. */
    @Get("/products/{slug}")
    HttpResponse<?> productPage(DashboardSessions.Principal who, @PathVariable String slug) {
        try {
            return productForm(who, HttpStatus.OK, products.describe(products.own(who.merchantId(), slug)), null);
        } catch (ApiError e) {
            throw new DashboardNotFound.Missing();
        }
    }

    /** {@code POST /dashboard/products/{slug}}: name, description, price and image changed (the slug, the page's address, stays). */
    @Post("/products/{slug}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> editProduct(DashboardSessions.Principal who, @PathVariable String slug, @Body Map<String, String> form) throws Exception {
        try {
            products.change(who.merchantId(), slug, new ProductSpec.Patch(field(form, "name"), field(form, "description"),
                    new ProductSpec.Price(field(form, "amount"), field(form, "currency")), field(form, "image_url"), null));
        } catch (ApiError e) {
            if ("not_found".equals(e.code())) {
                throw new DashboardNotFound.Missing();
            }
            Map<String, Object> shown = new LinkedHashMap<>(products.describe(products.own(who.merchantId(), slug)));
            shown.putAll(form);
            return productForm(who, HttpStatus.BAD_REQUEST, shown, "Not saved: " + e.getMessage());
        }
        return pages.redirect("/dashboard/products?done=product-changed");
    }

    private HttpResponse<?> productForm(DashboardSessions.Principal who, HttpStatus status, Map<String, Object> product, String error) {
        Map<String, Object> model = pages.base(who, "Edit " + product.get("name"), "products");
        Map<String, Object> p = new LinkedHashMap<>(product);
        p.putIfAbsent("image_url", "");
        if (p.get("image_url") == null) {
            p.put("image_url", "");
        }
        model.put("p", p);
        model.put("error", error);
        return pages.render(status, "dashboard/product", model);
    }

    @Post("/products/{slug}/active")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> productActive(DashboardSessions.Principal who, @PathVariable String slug, @Body Map<String, String> form) throws Exception {
        try {
            products.change(who.merchantId(), slug, ProductSpec.Patch.active("true".equals(form.get("active"))));
        } catch (ApiError e) {
            return pages.render(HttpStatus.NOT_FOUND, "dashboard/message", message(who, "No such product", "products"));
        }
        return pages.redirect("/dashboard/products?done=product-changed");
    }

    /** The link form as the typed command; a max uses that is not a whole number is refused as the API refuses it. */
    private static LinkSpec linkSpec(Map<String, String> form) {
        Integer maxUses = null;
        String max = field(form, "max_uses");
        if (!max.isEmpty()) {
            try {
                maxUses = Integer.valueOf(max);
            } catch (NumberFormatException e) {
                throw Offers.invalidMaxUses();
            }
        }
        String expires = field(form, "expires_at");
        // The form's datetime-local is UTC without seconds: 2026-12-31T23:59.
        String expiresAt = expires.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}") ? expires.replace('T', ' ') + ":00" : expires;
        boolean reusable = "on".equals(form.get("reusable")) || "true".equals(form.get("reusable"));
        return new LinkSpec(field(form, "amount"), field(form, "currency"), form.getOrDefault("description", ""), reusable, maxUses,
                expiresAt);
    }

    private static String field(Map<String, String> form, String name) {
        return form.getOrDefault(name, "").trim();
    }

    private HttpResponse<?> linksPage(DashboardSessions.Principal who, HttpStatus status, String error, String done, Map<String, String> form) {
        Map<String, Object> model = pages.base(who, "Payment links", "links");
        model.put("links", offerStore.links(who.merchantId()).stream().map(l -> {
            Map<String, Object> row = new LinkedHashMap<>(links.describe(l));
            Object max = row.get("max_uses");
            row.put("uses", row.get("paid_count") + " paid" + (max == null ? "" : " of " + max) + ", " + row.get("open_checkouts") + " open");
            row.put("expires", row.get("expires_at") == null ? "never" : row.get("expires_at") + " UTC");
            return row;
        }).toList());
        model.put("form", form);
        model.put("error", error);
        model.put("done", done);
        return pages.render(status, "dashboard/links", model);
    }

    private HttpResponse<?> productsPage(DashboardSessions.Principal who, HttpStatus status, String error, String done, Map<String, String> form) {
        Map<String, Object> model = pages.base(who, "Products", "products");
        model.put("products", offerStore.products(who.merchantId()).stream().map(products::describe).toList());
        model.put("form", form);
        model.put("error", error);
        model.put("done", done);
        return pages.render(status, "dashboard/products", model);
    }

    private Map<String, Object> message(DashboardSessions.Principal who, String title, String active) {
        Map<String, Object> model = pages.base(who, title, active);
        model.put("message", title + ": it may have been changed in another window.");
        return model;
    }

    private static String done(HttpRequest<?> request) {
        String done = request.getParameters().get("done");
        return done == null ? null : DashboardPages.DONE.get(done);
    }
}
