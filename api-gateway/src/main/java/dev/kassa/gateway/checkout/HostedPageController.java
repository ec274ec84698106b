package dev.kassa.gateway.checkout;

import dev.kassa.gateway.kafka.MerchantDirectory;
import dev.kassa.gateway.kafka.SessionReads;
import dev.kassa.gateway.payments.PaymentConnector;
import dev.kassa.gateway.payments.Routing;
import dev.kassa.gateway.sandbox.SandboxPayments;
import dev.kassa.gateway.sandbox.TestCards;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.SessionCommands;
import dev.kassa.model.Money;
import dev.kassa.router.Catalogue;
import dev.kassa.router.Method;
import dev.kassa.router.Provider;
import dev.kassa.router.RouteDecision;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.Payer;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import io.micronaut.http.HttpRequest;
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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The hosted checkout: {@code /pay.php?session=ID[&method=M][&provider=P]} and {@code /crypto.php?session=ID}. It
 * shows the truth of the session (an expired, paid or cancelled session never gets a payable form), offers only the
 * methods the router allows for this buyer (iDEAL for NL buyers only), takes the card on a form whose number stays
 * in this request (only the last four digits go on, as a provider reference), runs the 3-D Secure step, and after
 * the attempt follows the session until it is final, then sends the buyer back to {@code return_url}.
 */
@Hidden // not the merchant API: not in the OpenAPI document
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
class HostedPageController {

    private static final String CHECK_DETAILS = "Check the details marked below.";

    private final MerchantDirectory merchantDirectory;
    private final SessionReads sessionReads;
    private final Routing routing;
    /** The provider connector; absent outside sandbox mode until a live one ships: then no form is offered. */
    private final PaymentConnector connector;
    /** The sandbox's own 3-D Secure step; absent outside sandbox mode. */
    private final SandboxPayments sandbox;
    private final GatewaySettings settings;
    private final SessionCommands commands;
    private final CheckoutPages pages;

    HostedPageController(MerchantDirectory merchantDirectory, SessionReads sessionReads, Routing routing,
                         Optional<PaymentConnector> connector, Optional<SandboxPayments> sandbox,
                         GatewaySettings settings, SessionCommands commands, CheckoutPages pages) {
        this.pages = pages;
        this.merchantDirectory = merchantDirectory;
        this.sessionReads = sessionReads;
        this.commands = commands;
        this.routing = routing;
        this.connector = connector.orElse(null);
        this.sandbox = sandbox.orElse(null);
        this.settings = settings;
    }

    @Get("/pay.php")
    @Produces(MediaType.TEXT_HTML)
    HttpResponse<String> pay(HttpRequest<?> request) throws InterruptedException {
        return render(request, request.getParameters().get("method"), request.getParameters().get("provider"), null);
    }

    @Get("/crypto.php")
    @Produces(MediaType.TEXT_HTML)
    HttpResponse<String> crypto(HttpRequest<?> request) throws InterruptedException {
        return render(request, "crypto", null, null);
    }

    @Post("/pay/card")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    HttpResponse<String> card(HttpRequest<?> request, @Body Map<String, String> form) throws InterruptedException {
        SessionState session = connector == null || !connector.configured() ? null : session(form.get("session"));
        if (session == null) {
            throw new CheckoutNotFound();
        }
        String provider = form.getOrDefault("provider", "");
        PayerForm.Answers payer = PayerForm.read(session, form);
        Optional<String> number = TestCards.normalize(form.get("number"));
        if (number.isEmpty()) {
            return render(request, form.get("session"), "card", provider, "That card number is not valid. Check the digits and try again.", payer);
        }
        if (!form.getOrDefault("exp", "").matches("\\s*(0[1-9]|1[0-2])\\s*/\\s*\\d{2}\\s*") || !form.getOrDefault("cvc", "").matches("\\d{3,4}")) {
            return render(request, form.get("session"), "card", provider, "Enter the expiry as MM/YY and the 3 or 4 digit security code.", payer);
        }
        if (!payer.ok()) {
            return render(request, form.get("session"), "card", provider, CHECK_DETAILS, payer);
        }
        return start(request, session, "card", provider, Map.of("number", number.get()), payer.payer());
    }

    @Post("/pay/approve")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    HttpResponse<String> approve(HttpRequest<?> request, @Body Map<String, String> form) throws InterruptedException {
        SessionState session = connector == null || !connector.configured() ? null : session(form.get("session"));
        if (session == null) {
            throw new CheckoutNotFound();
        }
        PayerForm.Answers payer = PayerForm.read(session, form);
        if (!payer.ok()) {
            return render(request, form.get("session"), form.getOrDefault("method", ""), form.getOrDefault("provider", ""), CHECK_DETAILS, payer);
        }
        return start(request, session, form.getOrDefault("method", ""), form.getOrDefault("provider", ""),
                Map.of("decision", "approve".equals(form.get("decision")) ? "approve" : "decline"), payer.payer());
    }

    @Post("/pay/3ds")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    HttpResponse<String> challenge(HttpRequest<?> request, @Body Map<String, String> form) throws InterruptedException {
        SessionState session = sandbox == null ? null : session(form.get("session"));
        if (session == null) {
            throw new CheckoutNotFound();
        }
        if (session.getStatus() == SessionStatus.PENDING && "3ds_challenge".equals(session.getNextAction())
                && form.getOrDefault("attempt", "").equals(session.getAttemptId())) {
            sandbox.completeChallenge(session, session.getProvider(), session.getAttemptId(), "pass".equals(form.get("result")));
            sessionReads.session(session.getSessionId(), session.getSequence() + 1, Duration.ofSeconds(5));
        }
        return CheckoutPages.seeOther("/pay.php?session=" + session.getSessionId() + keptQuery(request));
    }

    private HttpResponse<String> start(HttpRequest<?> request, SessionState session, String method, String provider,
                                       Map<String, String> buyerInput, Payer payer) throws InterruptedException {
        Merchant merchant = merchantDirectory.merchant(session.getMerchantId());
        Optional<Method> m = Method.of(method);
        if (merchant == null || m.isEmpty() || !payable(session)) {
            return CheckoutPages.seeOther("/pay.php?session=" + session.getSessionId() + keptQuery(request));
        }
        String country = buyerCountry(request);
        RouteDecision route = routing.decide(Routing.asBuyersChoice(merchant), session.getSessionId(), provider.isEmpty() ? method : provider,
                session.getAmountMinor(), session.getCurrency(), country, "buyer chose " + method + " on the hosted page");
        if (route.chosen() == null || route.method() != m.get()) {
            return render(request, Long.toString(session.getSessionId()), null, null, "That way to pay is not available for this payment. Choose another.", null);
        }
        PaymentConnector.Started started = connector.startAttempt(new PaymentConnector.AttemptRequest(session, merchant, m.get().slug(),
                route.chosen(), route, buyerInput, payer));
        if (!started.ok()) {
            return render(request, Long.toString(session.getSessionId()), null, null, "The payment could not be started: " + started.message(), null);
        }
        if (started.redirectUrl() != null) {
            return CheckoutPages.seeOther(started.redirectUrl()); // the provider's own page; it sends the buyer back to pay.php
        }
        // Give the provider's first callback a moment, so that the next page usually shows its outcome already.
        sessionReads.session(session.getSessionId(), session.getSequence() + 2, Duration.ofSeconds(3));
        return CheckoutPages.seeOther("/pay.php?session=" + session.getSessionId() + keptQuery(request));
    }

    private HttpResponse<String> render(HttpRequest<?> request, String method, String provider, String error) throws InterruptedException {
        return render(request, request.getParameters().get("session"), method, provider, error, null);
    }

    /** The page of a payable session; {@code payer}: this post's answers to keep (null: the session's last ones). */
    private HttpResponse<String> render(HttpRequest<?> request, String sessionId, String method, String provider, String error,
                                        PayerForm.Answers payer) throws InterruptedException {
        SessionState s = session(sessionId);
        if (s == null) {
            throw new CheckoutNotFound();
        }
        String query = keptQuery(request);
        String amount = Money.toDecimal(s.getAmountMinor(), s.getCurrency());
        Instant now = commands.now();
        MutableHttpResponse<String> settled = pages.statusPage(s, amount, query);
        if (settled != null) {
            return settled; // the truth first: no form for a session that is not waiting for a payment
        }
        if (!now.isBefore(s.getExpiresAt())) {
            return pages.finalPage(s, amount, "This checkout has expired. Nothing was charged. Please start again at the shop.", CheckoutPages.cancelUrl(s));
        }
        Duration left = Duration.between(now, s.getExpiresAt());
        Map<String, Object> page = pages.summary(s, amount, left);
        page.put("refresh", Long.toString(Math.min(Integer.MAX_VALUE, left.toSeconds() + 1)));
        HttpStatus status = error == null ? HttpStatus.OK : payer != null && !payer.ok() ? HttpStatus.BAD_REQUEST : HttpStatus.UNPROCESSABLE_ENTITY;
        if (error != null) {
            page.put("error", error);
        } else if (s.getStatus() == SessionStatus.FAILED) {
            page.put("error", "Your last payment attempt did not go through" + (s.getLastError() == null ? "" : ": " + s.getLastError())
                    + ". Choose how to pay.");
        }
        if (connector == null || !connector.configured()) {
            return pages.session(HttpStatus.OK, CheckoutPages.noProvider(page, s)); // live mode without a live provider's account
        }
        Merchant merchant = merchantDirectory.merchant(s.getMerchantId());
        String country = buyerCountry(request);
        List<Method> offered = merchant == null ? List.of() : routing.methods(Routing.asBuyersChoice(merchant), s.getAmountMinor(), s.getCurrency(), country)
                .entrySet().stream().filter(e -> e.getValue().available()).map(Map.Entry::getKey)
                .filter(m -> m != Method.CRYPTO || !PayerForm.asks(s)).toList(); // the crypto checkout asks nothing
        Optional<Method> chosenMethod = Optional.ofNullable(method).flatMap(Method::of);
        Optional<Provider> chosenProvider = Optional.ofNullable(provider).map(p -> p.trim().toLowerCase(Locale.ROOT))
                .flatMap(p -> Catalogue.bySlug(routing.router().catalogue(), p));
        if (chosenMethod.isEmpty() && chosenProvider.isPresent()) {
            chosenMethod = Optional.of(chosenProvider.get().methods().get(0));
        }
        if (chosenMethod.isPresent() && merchant != null && offered.contains(chosenMethod.get())) {
            RouteDecision route = routing.route(Routing.asBuyersChoice(merchant), chosenProvider.map(Provider::slug)
                    .orElse(chosenMethod.get().slug()), s.getAmountMinor(), s.getCurrency(), country);
            if (route.chosen() != null) {
                page.put("payerFields", PayerForm.fields(s, payer)); // the questions go with the form that starts an attempt
                return pages.session(status, CheckoutPages.paymentForm(page, s, chosenMethod.get(), route.chosen(), query,
                        settings.development(), connector.paysOnItsOwnPage(route.chosen())));
            }
        }
        return pages.session(status, CheckoutPages.methodChoice(page, s, offered, query));
    }

    private String buyerCountry(HttpRequest<?> request) {
        return routing.buyerCountry(request.getHeaders().get(routing.countryHeader()), request.getParameters().get("country"));
    }

    private boolean payable(SessionState s) {
        return (s.getStatus() == SessionStatus.CREATED || s.getStatus() == SessionStatus.FAILED) && commands.now().isBefore(s.getExpiresAt());
    }

    private SessionState session(String raw) throws InterruptedException {
        if (raw == null || !raw.trim().matches("\\d{1,16}")) {
            return null;
        }
        return sessionReads.knownSession(Long.parseLong(raw.trim()), settings.sessionWait());
    }

    /** In development mode, the {@code country} override travels with the buyer's next links and forms. */
    private String keptQuery(HttpRequest<?> request) {
        String country = settings.development() ? request.getParameters().get("country") : null;
        return country != null && country.matches("[A-Za-z]{2}") ? "&country=" + country : "";
    }
}
