package dev.kassa.gateway;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import java.util.Map;

/** {@code GET /health}: 200 once the gateway can serve. */
@Controller("/health")
class HealthController {

    @Get
    HttpResponse<Map<String, Object>> health() {
        return HttpResponse.ok(Map.of("ok", true));
    }
}
