package dev.kassa.gateway.pages;

import io.micronaut.views.thymeleaf.ThymeleafViewsRenderer;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.StringWriter;
import java.util.Map;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * The gateway's HTML pages (the dashboard's and the buyer's) rendered from their Thymeleaf templates to a string before
 * anything is answered, here and not in the views filter: a template that fails is logged and its page answers a 500
 * of its own at once, never a half-written answer.
 */
@Singleton
public final class PageTemplates {

    private final ThymeleafViewsRenderer<Map<String, ?>> renderer;

    PageTemplates(ThymeleafViewsRenderer<Map<String, ?>> renderer) {
        this.renderer = renderer;
    }

    /** The page, or empty (logged) when its template fails. */
    public Optional<String> render(String view, Map<String, ?> model) {
        try {
            StringWriter out = new StringWriter();
            renderer.render(view, model, null).writeTo(out);
            return Optional.of(out.toString());
        } catch (IOException | RuntimeException e) {
            LoggerFactory.getLogger(PageTemplates.class).error("page {} failed to render", view, e);
            return Optional.empty();
        }
    }
}
