package dev.kassa.gateway.operator;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.info.License;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The operator API described: {@code GET /admin/openapi.yml} is the OpenAPI 3 document micronaut-openapi generates
 * when this module is compiled, from its controllers and {@link OperatorApi}'s records — a document of its own, apart
 * from the merchant's ({@code /openapi.yml}), and served like the rest of {@code /admin} only on the operator's port
 * when the gateway has one. It is not secret: it says what the API does, not how to get in.
 */
@OpenAPIDefinition(info = @Info(title = "Kassa operator API", version = "1",
        description = "The operator's API: merchants, their API keys, dashboard users, webhook endpoints and products; reviews, "
                + "redeliveries and session histories. Errors are {\"ok\": false, \"error\": code, \"message\"}, with the codes "
                + "of the merchant API's x-error-codes.",
        license = @License(name = "Apache-2.0")))
@SecurityScheme(name = OperatorDocsController.ADMIN_TOKEN, type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "Authorization: Bearer <the gateway's admin token>")
@Hidden
@Controller("/admin")
class OperatorDocsController {

    static final String ADMIN_TOKEN = "adminToken";
    /** Where micronaut-openapi writes the document: the title and version of {@link OpenAPIDefinition}, lower case. */
    static final String GENERATED = "META-INF/swagger/kassa-operator-api-1.yml";

    private final String document = read();

    @Get(value = "/openapi.yml", produces = "application/yaml")
    HttpResponse<String> openApi() {
        return HttpResponse.ok(document).contentType("application/yaml; charset=utf-8");
    }

    private static String read() {
        try (InputStream in = OperatorDocsController.class.getClassLoader().getResourceAsStream(GENERATED)) {
            if (in == null) {
                throw new IllegalStateException(GENERATED + " is not on the classpath: the operator-api module was built without micronaut-openapi");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
