package dev.kassa.gateway.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kassa.gateway.ApiError;
import dev.kassa.gateway.ClientAddress;
import dev.kassa.gateway.GatewaySettings;
import dev.kassa.gateway.Json;
import dev.kassa.gateway.RateLimiter;
import dev.kassa.gateway.SessionCommands;
import dev.kassa.gateway.kafka.KafkaBackend;
import dev.kassa.gateway.operator.MerchantChanges;
import dev.kassa.gateway.payments.Refunds;
import dev.kassa.gateway.views.DayFigures;
import dev.kassa.gateway.views.SessionViews;
import dev.kassa.log.Redeliveries;
import dev.kassa.log.SessionHistory;
import dev.kassa.model.Money;
import dev.kassa.schemas.avro.CancelSession;
import dev.kassa.schemas.avro.CommandOutcome;
import dev.kassa.schemas.avro.CommandResult;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.MerchantUser;
import dev.kassa.schemas.avro.RedeliveryRequest;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Hidden;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The merchant dashboard (SPEC.md, "Merchant dashboard"): server-rendered pages (Thymeleaf through Micronaut Views)
 * that work without JavaScript. Sign-in with e-mail and password (bcrypt, limited per e-mail and per client), a signed
 * session cookie, a CSRF token in every form. Every read comes from the session views; every action goes through the
 * same commands as the API (cancel, refund, a webhook sent again, a merchant change).
 */
@Controller("/dashboard")
@ExecuteOn(TaskExecutors.BLOCKING)
@Hidden
class DashboardController {

    /** Pages load their stylesheet from here and nothing else; forms post only here. */
    public static final String PAGE_POLICY = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
            + "base-uri 'none'; frame-ancestors 'none'";
    private static final int PAGE_SIZE = 50;
    private static final int CSV_MAX_ROWS = 100_000;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
    /** What a finished action says on the page it returns to: fixed texts, never the request's words. */
    private static final Map<String, String> DONE = Map.of(
            "resent", "The webhook is queued to be sent again; its attempt appears below in a moment.",
            "refund", "The refund was asked of the provider; it appears below.",
            "refund-refused", "The provider refused the refund; nothing was refunded.",
            "cancelled", "The session is cancelled.",
            "settings", "Settings saved.",
            "password-set", "Your password is set. Sign in with it.",
            "signed-out", "You are signed out.");

    private final KafkaBackend kafka;
    private final SessionViews views;
    private final MerchantUsers users;
    private final DashboardSessions sessions;
    private final MerchantChanges changes;
    private final Refunds refunds;
    private final SessionCommands commands;
    private final GatewaySettings settings;
    private final Clock clock;
    private final io.micronaut.views.thymeleaf.ThymeleafViewsRenderer<Map<String, ?>> renderer;
    /** Sign-in attempts: 5 a minute per e-mail, 20 a minute per client address (bursts of as many). */
    private final RateLimiter perEmail = new RateLimiter(5.0 / 60, 5);
    private final RateLimiter perClient = new RateLimiter(20.0 / 60, 20);

    DashboardController(KafkaBackend kafka, SessionViews views, MerchantUsers users, DashboardSessions sessions, MerchantChanges changes,
                        Refunds refunds, SessionCommands commands, GatewaySettings settings, Clock clock,
                        io.micronaut.views.thymeleaf.ThymeleafViewsRenderer<Map<String, ?>> renderer) {
        this.renderer = renderer;
        this.kafka = kafka;
        this.views = views;
        this.users = users;
        this.sessions = sessions;
        this.changes = changes;
        this.refunds = refunds;
        this.commands = commands;
        this.settings = settings;
        this.clock = clock;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Signing in and out

    @Get("/login")
    HttpResponse<?> loginPage(HttpRequest<?> request, @Nullable @io.micronaut.http.annotation.QueryValue("done") String done) {
        if (who(request).isPresent()) {
            return redirect("/dashboard");
        }
        return loginForm(HttpStatus.OK, null, done == null ? null : DONE.get(done), "");
    }

    @Post("/login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> login(HttpRequest<?> request, @Body Map<String, String> form) {
        if (!loginCsrf(request, form)) {
            return forbidden();
        }
        String email = form.getOrDefault("email", "").trim().toLowerCase(Locale.ROOT);
        long now = System.nanoTime();
        String client = ClientAddress.of(request, settings.trustForwardedFor());
        if (perClient.acquire(client, now) > 0 || perEmail.acquire(email.isEmpty() ? "-" : email, now) > 0) {
            return loginForm(HttpStatus.TOO_MANY_REQUESTS, "Too many sign-in attempts. Wait a minute and try again.", null, email);
        }
        MerchantUser user = users.signIn(email, form.get("password"));
        if (user == null) {
            // 200 with the form again, not 401: a 401 without an HTTP authentication challenge is an error page in Chromium.
            return loginForm(HttpStatus.OK, "Wrong e-mail or password.", null, email);
        }
        return redirect("/dashboard").header("Set-Cookie",
                sessions.cookie(DashboardSessions.COOKIE, sessions.issue(user, clock.instant()), DashboardSessions.LIFETIME, "Lax"));
    }

    @Post("/logout")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> logout(HttpRequest<?> request, @Body Map<String, String> form) {
        Optional<DashboardSessions.Principal> who = who(request);
        if (who.isEmpty()) {
            return redirect("/dashboard/login");
        }
        if (!sessions.csrfMatches(who.get(), form.get("csrf"))) {
            return forbidden();
        }
        return redirect("/dashboard/login?done=signed-out")
                .header("Set-Cookie", sessions.cookie(DashboardSessions.COOKIE, "", Duration.ZERO, "Lax"));
    }

    @Get("/set-password")
    HttpResponse<?> setPasswordPage(@Nullable @io.micronaut.http.annotation.QueryValue("token") String token) {
        MerchantUser user = users.byToken(token);
        if (user == null) {
            return render(HttpStatus.GONE, "dashboard/message", Map.of("title", "Link not valid",
                    "message", "This link is not valid any more (used, or older than 72 hours). Ask your operator for a new one."));
        }
        String csrf = DashboardSessions.random();
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("title", "Set your password");
        model.put("email", user.getEmail());
        model.put("token", token);
        model.put("csrf", csrf);
        model.put("minimum", Passwords.MIN_CHARACTERS);
        return render(HttpStatus.OK, "dashboard/set-password", model).header("Set-Cookie", loginCsrfCookie(csrf));
    }

    @Post("/set-password")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> setPassword(HttpRequest<?> request, @Body Map<String, String> form) throws Exception {
        if (!loginCsrf(request, form)) {
            return forbidden();
        }
        MerchantUser user = users.byToken(form.get("token"));
        if (user == null) {
            return render(HttpStatus.GONE, "dashboard/message", Map.of("title", "Link not valid",
                    "message", "This link is not valid any more (used, or older than 72 hours). Ask your operator for a new one."));
        }
        String password = form.getOrDefault("password", "");
        String problem = Passwords.problem(password);
        if (problem == null && !password.equals(form.get("confirm"))) {
            problem = "The two passwords differ; type the same one twice.";
        }
        if (problem != null) {
            Map<String, Object> model = new LinkedHashMap<>();
            model.put("title", "Set your password");
            model.put("email", user.getEmail());
            model.put("token", form.get("token"));
            model.put("csrf", form.get("csrf"));
            model.put("minimum", Passwords.MIN_CHARACTERS);
            model.put("error", problem);
            return render(HttpStatus.BAD_REQUEST, "dashboard/set-password", model);
        }
        users.setPassword(user, password);
        return redirect("/dashboard/login?done=password-set");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Pages

    @Get
    HttpResponse<?> overview(HttpRequest<?> request) throws Exception {
        Optional<DashboardSessions.Principal> who = who(request);
        if (who.isEmpty()) {
            return redirect("/dashboard/login");
        }
        long merchantId = who.get().merchantId();
        long today = Math.floorDiv(clock.millis(), 86_400_000L);
        SortedMap<Long, DayFigures> days = views.merchantDays(merchantId, today - 29, today);
        Map<String, Object> model = base(who.get(), "Overview", "overview");
        model.put("week", Figures.of(days.tailMap(today - 6)));
        model.put("month", Figures.of(days));
        model.put("chart", Chart.svg(days, today - 29, today));
        return render(HttpStatus.OK, "dashboard/overview", model);
    }

    @Get("/payments")
    HttpResponse<?> payments(HttpRequest<?> request) throws Exception {
        Optional<DashboardSessions.Principal> who = who(request);
        if (who.isEmpty()) {
            return redirect("/dashboard/login");
        }
        Filter filter = Filter.of(request);
        Map<String, Object> model = base(who.get(), "Payments", "payments");
        model.put("filter", filter);
        model.put("statuses", List.of("created", "pending", "paid", "failed", "expired", "cancelled", "review", "refunded"));
        if (filter.error() != null) {
            model.put("error", filter.error());
            model.put("rows", List.of());
            return render(HttpStatus.BAD_REQUEST, "dashboard/payments", model);
        }
        Found found = find(who.get().merchantId(), filter, PAGE_SIZE);
        List<Row> rows = found.sessions().stream().map(DashboardController::row).toList();
        model.put("rows", rows);
        model.put("next", found.next() == null ? null : "/dashboard/payments?" + filter.query("after", "c_" + found.next().createdAtMillis()
                + "_" + found.next().sessionId()));
        model.put("csv", "/dashboard/payments.csv?" + filter.query(null, null));
        return render(HttpStatus.OK, "dashboard/payments", model);
    }

    @Get("/payments.csv")
    HttpResponse<?> paymentsCsv(HttpRequest<?> request) throws Exception {
        Optional<DashboardSessions.Principal> who = who(request);
        if (who.isEmpty()) {
            return redirect("/dashboard/login");
        }
        Filter filter = Filter.of(request);
        if (filter.error() != null) {
            return HttpResponse.badRequest(filter.error()).contentType(MediaType.TEXT_PLAIN_TYPE);
        }
        StringBuilder csv = new StringBuilder("session_id,created_at,order_id,status,amount,currency,refunded_amount,customer_email\n");
        Filter next = filter;
        int rows = 0;
        while (rows < CSV_MAX_ROWS) {
            Found found = find(who.get().merchantId(), next, 500);
            for (SessionState s : found.sessions()) {
                csv.append(s.getSessionId()).append(',').append(s.getCreatedAt()).append(',').append(Csv.cell(s.getOrderId())).append(',')
                        .append(s.getStatus().name().toLowerCase(Locale.ROOT)).append(',')
                        .append(Money.toDecimal(s.getAmountMinor(), s.getCurrency())).append(',').append(s.getCurrency()).append(',')
                        .append(Money.toDecimal(s.getRefundedMinor(), s.getCurrency())).append(',')
                        .append(Csv.cell(s.getCustomerEmail() == null ? "" : s.getCustomerEmail())).append('\n');
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

    @Get("/sessions/{id}")
    HttpResponse<?> session(HttpRequest<?> request, @PathVariable String id) throws Exception {
        Optional<DashboardSessions.Principal> who = who(request);
        if (who.isEmpty()) {
            return redirect("/dashboard/login");
        }
        SessionState state = own(who.get(), id);
        if (state == null) {
            return notFound(who.get());
        }
        SessionHistory.SessionLog log = kafka.timeline(state.getSessionId(), state, Duration.ofSeconds(2));
        Map<String, Object> model = base(who.get(), "Session " + state.getSessionId(), "payments");
        model.put("s", row(state));
        model.put("timeline", MerchantTimeline.of(log, state.getCurrency()));
        model.put("canCancel", state.getStatus() == SessionStatus.CREATED || state.getStatus() == SessionStatus.PENDING);
        long refundable = (state.getPaidAmountMinor() != null && state.getPaidCurrency() == null ? state.getPaidAmountMinor() : state.getAmountMinor())
                - state.getRefundedMinor() - dev.kassa.model.RefundLedger.reserved(state);
        model.put("canRefund", state.getStatus() == SessionStatus.PAID && refundable > 0);
        model.put("refundable", Money.toDecimal(Math.max(0, refundable), state.getCurrency()));
        model.put("canResend", !log.events().isEmpty());
        model.put("refundKey", UUID.randomUUID().toString().replace("-", ""));
        String done = request.getParameters().get("done");
        model.put("done", done == null ? null : DONE.get(done));
        return render(HttpStatus.OK, "dashboard/session", model);
    }

    @Post("/sessions/{id}/resend")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> resend(HttpRequest<?> request, @PathVariable String id, @Body Map<String, String> form) throws Exception {
        Optional<DashboardSessions.Principal> who = who(request);
        if (who.isEmpty()) {
            return redirect("/dashboard/login");
        }
        if (!sessions.csrfMatches(who.get(), form.get("csrf"))) {
            return forbidden();
        }
        SessionState state = own(who.get(), id);
        if (state == null) {
            return notFound(who.get());
        }
        SessionHistory.SessionLog log = kafka.timeline(state.getSessionId(), state, Duration.ofSeconds(2));
        if (log.events().isEmpty()) {
            return redirect("/dashboard/sessions/" + state.getSessionId());
        }
        // The session's latest event, as its webhook was first sent: the same event id, so the receiver can dedupe.
        String latest = log.events().get(log.events().size() - 1).getEventId();
        List<RedeliveryRequest> requests = Redeliveries.select(log.events(), new Redeliveries.Selection(state.getSessionId(), latest, null, null),
                "merchant-dashboard:" + who.get().email(), clock.instant());
        for (RedeliveryRequest r : requests) {
            kafka.redeliver(r);
        }
        return redirect("/dashboard/sessions/" + state.getSessionId() + "?done=resent");
    }

    @Post("/sessions/{id}/refund")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> refund(HttpRequest<?> request, @PathVariable String id, @Body Map<String, String> form) throws Exception {
        Optional<DashboardSessions.Principal> who = who(request);
        if (who.isEmpty()) {
            return redirect("/dashboard/login");
        }
        if (!sessions.csrfMatches(who.get(), form.get("csrf"))) {
            return forbidden();
        }
        SessionState state = own(who.get(), id);
        if (state == null) {
            return notFound(who.get());
        }
        Long amount = null;
        String raw = form.getOrDefault("amount", "").trim();
        if (!raw.isEmpty()) {
            try {
                amount = Money.toMinor(raw, state.getCurrency());
            } catch (IllegalArgumentException e) {
                return sessionWithError(who.get(), state, "The amount must be a positive number with at most the currency's decimals, e.g. 10.00.");
            }
        }
        // The form's own id (a hidden field made with the page) names the refund: a double submit is one refund.
        String key = form.getOrDefault("refund_key", "");
        String refundId = key.matches("[A-Za-z0-9_-]{16,64}") ? "rf-dash-" + key : "rf-" + UUID.randomUUID();
        try {
            Refunds.Result result = refunds.refund(state, refundId, amount, "refunded in the dashboard", "merchant-dashboard:" + who.get().email());
            return redirect("/dashboard/sessions/" + state.getSessionId() + "?done=" + (result.refused() ? "refund-refused" : "refund"));
        } catch (ApiError e) {
            return sessionWithError(who.get(), state, "The refund was not made: " + e.getMessage());
        }
    }

    @Post("/sessions/{id}/cancel")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> cancel(HttpRequest<?> request, @PathVariable String id, @Body Map<String, String> form) throws Exception {
        Optional<DashboardSessions.Principal> who = who(request);
        if (who.isEmpty()) {
            return redirect("/dashboard/login");
        }
        if (!sessions.csrfMatches(who.get(), form.get("csrf"))) {
            return forbidden();
        }
        SessionState state = own(who.get(), id);
        if (state == null) {
            return notFound(who.get());
        }
        CommandResult result = kafka.sendOrUnavailable(commands.of("cancel-" + UUID.randomUUID(), state.getSessionId(), state.getMerchantId(),
                "merchant-dashboard:" + who.get().email(), new CancelSession("cancelled in the dashboard")));
        if (result.getOutcome() != CommandOutcome.APPLIED && result.getOutcome() != CommandOutcome.DUPLICATE) {
            return sessionWithError(who.get(), state, "The session was not cancelled: " + result.getErrorCode());
        }
        return redirect("/dashboard/sessions/" + state.getSessionId() + "?done=cancelled");
    }

    @Get("/settings")
    HttpResponse<?> settingsPage(HttpRequest<?> request) {
        Optional<DashboardSessions.Principal> who = who(request);
        if (who.isEmpty()) {
            return redirect("/dashboard/login");
        }
        String done = request.getParameters().get("done");
        return settingsForm(who.get(), HttpStatus.OK, null, done == null ? null : DONE.get(done));
    }

    @Post("/settings")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> saveSettings(HttpRequest<?> request, @Body Map<String, String> form) throws Exception {
        Optional<DashboardSessions.Principal> who = who(request);
        if (who.isEmpty()) {
            return redirect("/dashboard/login");
        }
        if (!sessions.csrfMatches(who.get(), form.get("csrf"))) {
            return forbidden();
        }
        // Only what a merchant may change; the same checks as the operator's PATCH.
        ObjectNode change = Json.MAPPER.createObjectNode();
        String url = form.getOrDefault("webhook_url", "").trim();
        if (url.isEmpty()) {
            change.putNull("webhook_url");
        } else {
            change.put("webhook_url", url);
        }
        ArrayNode domains = change.putArray("domains");
        for (String d : form.getOrDefault("domains", "").split("[\\s,]+")) {
            if (!d.isBlank()) {
                domains.add(d.trim());
            }
        }
        putInt(change, "session_ttl_seconds", form.get("session_ttl_seconds"));
        putInt(change, "grace_seconds", form.get("grace_seconds"));
        if (form.get("late_payment_policy") != null) {
            change.put("late_payment_policy", form.get("late_payment_policy"));
        }
        try {
            changes.change(who.get().merchantId(), change);
        } catch (ApiError e) {
            return settingsForm(who.get(), HttpStatus.BAD_REQUEST, "Not saved: " + e.getMessage(), null);
        }
        return redirect("/dashboard/settings?done=settings");
    }

    @Get(value = "/assets/kassa.css", produces = "text/css")
    HttpResponse<String> stylesheet() throws IOException {
        try (InputStream in = DashboardController.class.getResourceAsStream("/views/dashboard/kassa.css")) {
            return HttpResponse.ok(new String(in.readAllBytes(), StandardCharsets.UTF_8)).header("Cache-Control", "public, max-age=3600");
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Helpers

    private static void putInt(ObjectNode change, String field, String raw) {
        if (raw == null || raw.isBlank()) {
            return;
        }
        try {
            change.put(field, Integer.parseInt(raw.trim()));
        } catch (NumberFormatException e) {
            change.put(field, raw.trim()); // refused with the field's own code and message
        }
    }

    private HttpResponse<?> settingsForm(DashboardSessions.Principal who, HttpStatus status, String error, String done) {
        Merchant m = kafka.merchant(who.merchantId());
        Map<String, Object> model = base(who, "Settings", "settings");
        model.put("webhookUrl", m.getWebhookUrl() == null ? "" : m.getWebhookUrl());
        model.put("domains", String.join("\n", m.getDomains()));
        model.put("ttl", m.getSessionTtlSeconds());
        model.put("grace", m.getGraceSeconds());
        model.put("policy", m.getLatePaymentPolicy().name().toLowerCase(Locale.ROOT));
        model.put("error", error);
        model.put("done", done);
        return render(status, "dashboard/settings", model);
    }

    private HttpResponse<?> sessionWithError(DashboardSessions.Principal who, SessionState state, String error) throws Exception {
        SessionHistory.SessionLog log = kafka.timeline(state.getSessionId());
        Map<String, Object> model = base(who, "Session " + state.getSessionId(), "payments");
        model.put("s", row(state));
        model.put("timeline", MerchantTimeline.of(log, state.getCurrency()));
        model.put("canCancel", false);
        model.put("canRefund", state.getStatus() == SessionStatus.PAID);
        model.put("refundable", "");
        model.put("canResend", !log.events().isEmpty());
        model.put("refundKey", UUID.randomUUID().toString().replace("-", ""));
        model.put("error", error);
        return render(HttpStatus.BAD_REQUEST, "dashboard/session", model);
    }

    /** The signed-in merchant's session with this id, or null (not a number, not theirs, not there: the same answer). */
    private SessionState own(DashboardSessions.Principal who, String id) throws InterruptedException {
        if (id == null || !id.matches("[0-9]{1,19}")) {
            return null;
        }
        long sessionId;
        try {
            sessionId = Long.parseLong(id);
        } catch (NumberFormatException e) {
            return null;
        }
        SessionState state = views.session(sessionId);
        return state == null || state.getMerchantId() != who.merchantId() ? null : state;
    }

    /** What the payments list shows of a session. */
    record Row(long id, String created, String orderId, String status, String amount, String currency, String refunded, String email,
               String provider, String href) {
    }

    private static Row row(SessionState s) {
        return new Row(s.getSessionId(), TIME.format(s.getCreatedAt()), s.getOrderId(), s.getStatus().name().toLowerCase(Locale.ROOT),
                Money.toDecimal(s.getAmountMinor(), s.getCurrency()), s.getCurrency(), Money.toDecimal(s.getRefundedMinor(), s.getCurrency()),
                s.getCustomerEmail() == null ? "" : s.getCustomerEmail(), s.getProvider() == null ? "" : s.getProvider(),
                "/dashboard/sessions/" + s.getSessionId());
    }

    /** The payments list's filters, from the query. */
    record Filter(String status, String orderId, String email, String from, String to, SessionViews.Cursor after, String error) {

        static Filter of(HttpRequest<?> request) {
            var q = request.getParameters();
            String status = q.get("status") == null ? "" : q.get("status").trim().toLowerCase(Locale.ROOT);
            String order = q.get("order_id") == null ? "" : q.get("order_id").trim();
            String email = q.get("email") == null ? "" : q.get("email").trim().toLowerCase(Locale.ROOT);
            String from = q.get("from") == null ? "" : q.get("from").trim();
            String to = q.get("to") == null ? "" : q.get("to").trim();
            String after = q.get("after") == null ? "" : q.get("after").trim();
            String error = null;
            if (!status.isEmpty() && !List.of("created", "pending", "paid", "failed", "expired", "cancelled", "review", "refunded").contains(status)) {
                error = "Choose a status from the list.";
            } else if (order.length() > 255 || email.length() > 254) {
                error = "The order id or e-mail is too long.";
            } else if (!date(from) || !date(to)) {
                error = "Dates are written as 2026-03-01.";
            }
            SessionViews.Cursor cursor = SessionViews.Cursor.FIRST;
            if (!after.isEmpty()) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("c_([0-9]{1,18})_([0-9]{1,18})").matcher(after);
                if (m.matches()) {
                    cursor = new SessionViews.Cursor(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
                } else {
                    error = "That page link is not valid; start from the first page.";
                }
            }
            if (cursor == SessionViews.Cursor.FIRST && !to.isEmpty() && error == null) {
                // Newest first: the list starts at the end of the 'to' day.
                cursor = new SessionViews.Cursor(LocalDate.parse(to).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli() - 1, -1);
            }
            return new Filter(status, order, email, from, to, cursor, error);
        }

        private static boolean date(String s) {
            if (s.isEmpty()) {
                return true;
            }
            try {
                LocalDate.parse(s);
                return true;
            } catch (DateTimeParseException e) {
                return false;
            }
        }

        Filter after(SessionViews.Cursor next) {
            return new Filter(status, orderId, email, from, to, next, error);
        }

        long fromMillis() {
            return from.isEmpty() ? Long.MIN_VALUE : LocalDate.parse(from).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        }

        boolean matches(SessionState s) {
            return (status.isEmpty() || s.getStatus().name().equalsIgnoreCase(status))
                    && (email.isEmpty() || email.equalsIgnoreCase(s.getCustomerEmail() == null ? "" : s.getCustomerEmail()))
                    && (to.isEmpty() || !s.getCreatedAt().isAfter(LocalDate.parse(to).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusMillis(1)))
                    && s.getCreatedAt().toEpochMilli() >= fromMillis();
        }

        /** The query string of these filters, with {@code name=value} added (the page links). */
        String query(String name, String value) {
            StringBuilder q = new StringBuilder();
            add(q, "status", status);
            add(q, "order_id", orderId);
            add(q, "email", email);
            add(q, "from", from);
            add(q, "to", to);
            if (name != null) {
                add(q, name, value);
            }
            return q.toString();
        }

        private static void add(StringBuilder q, String name, String value) {
            if (value != null && !value.isEmpty()) {
                q.append(q.length() == 0 ? "" : "&").append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
    }

    /** What a search found, and where the next page starts (null: no more). */
    record Found(List<SessionState> sessions, SessionViews.Cursor next) {
    }

    /**
     * The sessions the filter matches, newest first, at most {@code limit}: an order id is one lookup; otherwise pages of
     * the merchant's list (status filtered in the view, e-mail and dates here), at most 10 pages of the view per
     * question, so an e-mail nobody used costs a bounded walk and a "next" link, not a scan of everything.
     */
    private Found find(long merchantId, Filter filter, int limit) throws InterruptedException {
        if (!filter.orderId().isEmpty()) {
            SessionState s = kafka.sessionByOrder(merchantId, filter.orderId());
            return new Found(s != null && filter.matches(s) ? List.of(s) : List.of(), null);
        }
        Set<SessionStatus> statuses = filter.status().isEmpty() ? EnumSet.noneOf(SessionStatus.class)
                : EnumSet.of(SessionStatus.valueOf(filter.status().toUpperCase(Locale.ROOT)));
        List<SessionState> found = new ArrayList<>();
        SessionViews.Cursor cursor = filter.after();
        long from = filter.fromMillis();
        for (int page = 0; page < 10 && found.size() < limit; page++) {
            SessionViews.Page p = views.merchantSessions(merchantId, cursor, limit - found.size(), statuses);
            for (SessionState s : p.sessions()) {
                if (s.getCreatedAt().toEpochMilli() < from) {
                    return new Found(found, null); // older than 'from': so is everything after it
                }
                if (filter.matches(s)) {
                    found.add(s);
                }
                cursor = new SessionViews.Cursor(s.getCreatedAt().toEpochMilli(), s.getSessionId());
            }
            if (p.next() == null) {
                return new Found(found, null);
            }
            cursor = p.next();
        }
        return new Found(found, cursor);
    }

    private Optional<DashboardSessions.Principal> who(HttpRequest<?> request) {
        String cookie = request.getCookies().findCookie(DashboardSessions.COOKIE).map(Cookie::getValue).orElse(null);
        return sessions.verify(cookie, clock.instant(), kafka::user);
    }

    private boolean loginCsrf(HttpRequest<?> request, Map<String, String> form) {
        String cookie = request.getCookies().findCookie(DashboardSessions.LOGIN_CSRF_COOKIE).map(Cookie::getValue).orElse(null);
        String field = form.get("csrf");
        return cookie != null && field != null && cookie.length() >= 16
                && java.security.MessageDigest.isEqual(cookie.getBytes(StandardCharsets.UTF_8), field.getBytes(StandardCharsets.UTF_8));
    }

    private String loginCsrfCookie(String csrf) {
        return sessions.cookie(DashboardSessions.LOGIN_CSRF_COOKIE, csrf, Duration.ofHours(1), "Strict");
    }

    private MutableHttpResponse<?> loginForm(HttpStatus status, String error, String done, String email) {
        String csrf = DashboardSessions.random();
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("title", "Sign in");
        model.put("csrf", csrf);
        model.put("error", error);
        model.put("done", done);
        model.put("email", email);
        return render(status, "dashboard/login", model).header("Set-Cookie", loginCsrfCookie(csrf));
    }

    private Map<String, Object> base(DashboardSessions.Principal who, String title, String active) {
        Map<String, Object> model = new LinkedHashMap<>();
        Merchant m = kafka.merchant(who.merchantId());
        model.put("title", title);
        model.put("active", active);
        model.put("user", who.email());
        model.put("merchant", m == null ? "" : m.getEmail());
        model.put("csrf", sessions.csrf(who));
        return model;
    }

    private HttpResponse<?> notFound(DashboardSessions.Principal who) {
        return DashboardNotFound.page();
    }

    private MutableHttpResponse<?> forbidden() {
        return render(HttpStatus.FORBIDDEN, "dashboard/message", Map.of("title", "Refused",
                "message", "This form was not sent from a page of your dashboard (its security token is missing or old). Go back, reload, and try again."));
    }

    private static MutableHttpResponse<?> redirect(String to) {
        return HttpResponse.seeOther(URI.create(to));
    }

    /**
     * Renders a page here, not in the views filter: a template that fails is a logged 500 page at once, never a
     * half-written answer.
     */
    private MutableHttpResponse<?> render(HttpStatus status, String view, Map<String, ?> model) {
        String html;
        try {
            java.io.StringWriter out = new java.io.StringWriter();
            renderer.render(view, model, null).writeTo(out);
            html = out.toString();
        } catch (IOException | RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(DashboardController.class).error("dashboard page {} failed to render", view, e);
            status = HttpStatus.INTERNAL_SERVER_ERROR;
            html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Kassa dashboard</title>"
                    + "<link rel=\"stylesheet\" href=\"/dashboard/assets/kassa.css\"></head><body><main id=\"main\" class=\"narrow\">"
                    + "<h1>Something went wrong</h1><p>This page could not be shown. It is logged; try again, or go "
                    + "<a href=\"/dashboard\">back to the dashboard</a>.</p></main></body></html>";
        }
        // Referrer-Policy same-origin, not the API's no-referrer: with no-referrer the browser sends "Origin: null" on the
        // page's form posts, which the server refuses as cross-origin.
        return HttpResponse.status(status).body(html).header("Content-Security-Policy", PAGE_POLICY)
                .header("Referrer-Policy", "same-origin").contentType(MediaType.TEXT_HTML_TYPE);
    }
}
