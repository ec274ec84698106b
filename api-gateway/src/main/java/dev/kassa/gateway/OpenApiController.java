package dev.kassa.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kassa.gateway.merchant.MerchantApi;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.Json;
import dev.kassa.model.ErrorCode;
import dev.kassa.model.WebhookSchemas;
import dev.kassa.model.WebhookTypes;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeIn;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.info.License;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.swagger.v3.oas.annotations.security.SecuritySchemes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The merchant API described: {@code /openapi.yml} is the OpenAPI 3 document micronaut-openapi generates from the
 * controllers and {@link MerchantApi}'s records at compile time, with the error catalogue ({@link ErrorCode}) added
 * as {@code x-error-codes}; {@code /docs} renders it with Swagger UI (a webjar, served from here, no CDN).
 */
@OpenAPIDefinition(info = @Info(title = "Kassa merchant API", version = "1",
        description = "Checkout sessions as seeds 002 and 003 describe them: create, status, cancel, refund, the payment log. "
                + "Errors are {\"ok\": false, \"error\": code, \"message\"}; every code and its HTTP status is listed under x-error-codes.",
        license = @License(name = "Apache-2.0")))
@SecuritySchemes({
        @SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer", description = "Authorization: Bearer YOUR_API_KEY"),
        @SecurityScheme(name = "apiKey", type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.HEADER, paramName = "X-API-Key")})
@Hidden
@Controller
class OpenApiController {

    /** Where micronaut-openapi writes the document: the title and version of {@link OpenAPIDefinition}, lower case. */
    static final String GENERATED = "META-INF/swagger/kassa-merchant-api-1.yml";
    private static final String SWAGGER_UI = "META-INF/resources/webjars/swagger-ui/" + SwaggerUi.VERSION + "/";
    private static final Map<String, String> ASSETS = Map.of(
            "swagger-ui.css", "text/css",
            "swagger-ui-bundle.js", "text/javascript");

    private final String document = document();

    @Get(value = "/openapi.yml", produces = "application/yaml")
    HttpResponse<String> openApi() {
        return HttpResponse.ok(document).contentType("application/yaml; charset=utf-8");
    }

    @Get(value = "/docs", produces = "text/html")
    MutableHttpResponse<String> docs() {
        String page = """
                <!doctype html>
                <html lang="en">
                <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Kassa merchant API</title><link rel="icon" href="data:,">
                <link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
                <body><main id="swagger-ui"><noscript>The API reference needs JavaScript; the document itself is at
                <a href="/openapi.yml">/openapi.yml</a>.</noscript></main>
                <script src="/docs/assets/swagger-ui-bundle.js"></script>
                <script src="/docs/assets/init.js"></script>
                </body></html>
                """;
        return secured(HttpResponse.ok(page).contentType("text/html; charset=utf-8"));
    }

    @Get("/docs/assets/{file}")
    MutableHttpResponse<?> asset(String file) {
        if (file.equals("init.js")) {
            // In a file of its own, so that the page's policy allows no inline script.
            return HttpResponse.ok("window.ui = SwaggerUIBundle({url: '/openapi.yml', dom_id: '#swagger-ui', deepLinking: true});\n")
                    .contentType("text/javascript; charset=utf-8");
        }
        String type = ASSETS.get(file);
        if (type == null) {
            throw new ApiError(ErrorCode.NOT_FOUND, "no such file: " + file);
        }
        return HttpResponse.ok(read(SWAGGER_UI + file)).contentType(type).header("Cache-Control", "public, max-age=86400");
    }

    private static MutableHttpResponse<String> secured(MutableHttpResponse<String> page) {
        return page.header("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                        + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'")
                .header("X-Content-Type-Options", "nosniff");
    }

    /**
     * The generated document, the webhooks Kassa sends and the error catalogue, as one YAML text (a top-level {@code x-}
     * key is allowed by OpenAPI). The webhooks are OpenAPI 3.1's {@code webhooks}, one per type of
     * {@link WebhookTypes#CATALOGUE}, each body's schema from {@link WebhookSchemas} (the code the payload is tested
     * against), written as JSON, which YAML reads as it is; the version line says 3.1 for them.
     */
    static String document() {
        String generated = new String(read(GENERATED), StandardCharsets.UTF_8);
        StringBuilder yaml = new StringBuilder(generated.replaceFirst("(?m)^openapi: 3\\.0\\.\\d+$", "openapi: 3.1.0"));
        if (yaml.charAt(yaml.length() - 1) != '\n') {
            yaml.append('\n');
        }
        yaml.append("webhooks: ").append(webhooks()).append('\n');
        yaml.append("x-error-codes:\n");
        for (ErrorCode code : ErrorCode.values()) {
            yaml.append("- code: ").append(code.code()).append('\n')
                    .append("  status: ").append(code.httpStatus()).append('\n')
                    .append("  meaning: \"").append(code.meaning().replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n");
        }
        return yaml.toString();
    }

    /** One path item per webhook type: a POST to the merchant's endpoint with the signed body of that type. */
    private static String webhooks() {
        ObjectNode webhooks = Json.MAPPER.createObjectNode();
        for (String type : WebhookTypes.CATALOGUE) {
            ObjectNode post = webhooks.putObject(type).putObject("post");
            post.put("summary", type);
            post.put("description", WebhookSchemas.describe(type) + " Signed with X-Signature (hex HMAC-SHA256 of the raw body) and the "
                    + "Standard Webhooks headers; the same event_id on every retry and replay.");
            post.putObject("requestBody").put("required", true).putObject("content").putObject("application/json")
                    .set("schema", WebhookSchemas.of(type));
            post.putObject("responses").putObject("2XX").put("description", "Received; any other answer, or none within 15 s, is retried.");
        }
        try {
            return Json.MAPPER.writeValueAsString(webhooks);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always serializes", e);
        }
    }

    private static byte[] read(String resource) {
        try (InputStream in = OpenApiController.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath; the build generates it");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Swagger UI webjar's version, as the pom names it. */
    static final class SwaggerUi {
        static final String VERSION = "5.32.6";
    }
}
