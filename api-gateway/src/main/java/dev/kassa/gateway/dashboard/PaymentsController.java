package dev.kassa.gateway.dashboard;

import dev.kassa.gateway.views.DayFigures;
import dev.kassa.gateway.views.MerchantDays;
import dev.kassa.gateway.views.SessionViews;
import dev.kassa.model.Money;
import dev.kassa.schemas.avro.SessionState;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Hidden;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;

/** The overview (figures and a chart from the views' figures per day) and the payments list with its CSV export. */
@Controller("/dashboard")
@ExecuteOn(TaskExecutors.BLOCKING)
@Hidden
class PaymentsController {

    private static final int PAGE_SIZE = 50;
    private static final int CSV_MAX_ROWS = 100_000;

    private final SessionViews views;
    private final PaymentSearch search;
    private final DashboardPages pages;
    private final Clock clock;

    PaymentsController(SessionViews views, PaymentSearch search, DashboardPages pages, Clock clock) {
        this.views = views;
        this.search = search;
        this.pages = pages;
        this.clock = clock;
    }

    @Get
    HttpResponse<?> overview(DashboardSessions.Principal who) throws Exception {
        long merchantId = who.merchantId();
        long today = Math.floorDiv(clock.millis(), 86_400_000L);
        SortedMap<Long, DayFigures> days = new MerchantDays(views).between(merchantId, today - 29, today);
        Map<String, Object> model = pages.base(who, "Overview", "overview");
        model.put("week", Figures.of(days.tailMap(today - 6)).view());
        model.put("month", Figures.of(days).view());
        model.put("chart", Chart.svg(days, today - 29, today));
        return pages.render(HttpStatus.OK, "dashboard/overview", model);
    }

    @Get("/payments")
    HttpResponse<?> payments(DashboardSessions.Principal who, HttpRequest<?> request) throws Exception {
        PaymentSearch.Filter filter = PaymentSearch.Filter.of(request);
        Map<String, Object> model = pages.base(who, "Payments", "payments");
        model.put("filter", filter.view());
        model.put("statuses", List.of("created", "pending", "paid", "failed", "expired", "cancelled", "review", "refunded"));
        if (filter.error() != null) {
            model.put("error", filter.error());
            model.put("rows", List.of());
            return pages.render(HttpStatus.BAD_REQUEST, "dashboard/payments", model);
        }
        PaymentSearch.Found found = search.find(who.merchantId(), filter, PAGE_SIZE);
        List<Map<String, Object>> rows = found.sessions().stream().map(search::rowOf).toList();
        model.put("rows", rows);
        model.put("next", found.next() == null ? null : "/dashboard/payments?" + filter.query("after", "c_" + found.next().createdAtMillis()
                + "_" + found.next().sessionId()));
        model.put("csv", "/dashboard/payments.csv?" + filter.query(null, null));
        return pages.render(HttpStatus.OK, "dashboard/payments", model);
    }

    @Get("/payments.csv")
    HttpResponse<?> paymentsCsv(DashboardSessions.Principal who, HttpRequest<?> request) throws Exception {
        PaymentSearch.Filter filter = PaymentSearch.Filter.of(request);
        if (filter.error() != null) {
            return HttpResponse.badRequest(filter.error()).contentType(MediaType.TEXT_PLAIN_TYPE);
        }
        StringBuilder csv = new StringBuilder("session_id,created_at,order_id,status,amount,currency,refunded_amount,customer_email,"
                + PayerLines.CSV_COLUMNS + "\n");
        PaymentSearch.Filter next = filter;
        int rows = 0;
        while (rows < CSV_MAX_ROWS) {
            PaymentSearch.Found found = search.find(who.merchantId(), next, 500);
            for (SessionState s : found.sessions()) {
                csv.append(s.getSessionId()).append(',').append(s.getCreatedAt()).append(',').append(Csv.cell(s.getOrderId())).append(',')
                        .append(s.getStatus().name().toLowerCase(Locale.ROOT)).append(',')
                        .append(Money.toDecimal(s.getAmountMinor(), s.getCurrency())).append(',').append(s.getCurrency()).append(',')
                        .append(Money.toDecimal(s.getRefundedMinor(), s.getCurrency())).append(',')
                        .append(Csv.cell(s.getCustomerEmail() == null ? "" : s.getCustomerEmail()));
                PayerLines.csv(s).forEach(value -> csv.append(',').append(Csv.cell(value)));
                csv.append('\n');
                rows++;
            }
            if (found.next() == null) {
                break;
            }
            next = next.after(found.next());
        }
        return HttpResponse.ok(csv.toString()).contentType(new MediaType("text/csv; charset=utf-8"))
                .header("Content-Disposition", "attachment; filename=\"payments.csv\"");
    }

}
