package dev.kassa.gateway;

import io.swagger.v3.oas.annotations.Hidden;

import dev.kassa.observability.KassaMetrics;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;

/**
 * {@code GET /metrics}: every Kassa meter of this JVM in Prometheus' text format: the gateway's requests, and in
 * {@code kassa dev} the aggregate's and the relay's too. Meant for the operators' network, like {@code /admin}.
 */
@Hidden // not the merchant API: not in the OpenAPI document
@Controller("/metrics")
class MetricsController {

    @Get
    @Produces("text/plain; version=0.0.4; charset=utf-8")
    HttpResponse<String> scrape() {
        return HttpResponse.ok(KassaMetrics.prometheus().scrape());
    }
}
