package dev.kassa.cli;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module graph of DESIGN.md, "Where the design goes next", as rules over the main classes of every module (the
 * cli's test classpath holds them all): shared code is pure, services meet only on topics, shells stay thin.
 * A forbidden import fails the build here with the class and the line that made it.
 */
class ArchitectureTest {

    private static JavaClasses kassa;

    @BeforeAll
    static void importMainClasses() {
        kassa = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.kassa");
    }

    @Test
    void the_domain_imports_no_kafka_client_and_no_framework() {
        ArchRule rule = noClasses().that().resideInAnyPackage("dev.kassa.model..", "dev.kassa.aggregate.domain..", "dev.kassa.router..",
                        "dev.kassa.relay.signing..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "io.micronaut..", "picocli..")
                .because("the fold, money, the transition table, the router and the signer are pure functions (DESIGN.md)");
        rule.check(kassa);
    }

    @Test
    void the_gateway_and_the_relay_meet_the_aggregate_only_on_topics() {
        noClasses().that().resideInAPackage("dev.kassa.gateway..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.kassa.aggregate..", "dev.kassa.relay..")
                .because("services meet only on topics; what they share lives in session-model and session-log")
                .check(kassa);
        noClasses().that().resideInAPackage("dev.kassa.relay..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.kassa.aggregate..", "dev.kassa.gateway..")
                .because("services meet only on topics; what they share lives in session-model and session-log")
                .check(kassa);
        noClasses().that().resideInAnyPackage("dev.kassa.model..", "dev.kassa.log..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.kassa.aggregate..", "dev.kassa.relay..", "dev.kassa.gateway..",
                        "dev.kassa.cli..")
                .because("the shared modules depend on schemas only (and the log library on the model)")
                .check(kassa);
    }

    @Test
    void the_gateways_packages_keep_to_their_concern() {
        noClasses().that().resideInAPackage("dev.kassa.gateway.merchant..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.kassa.gateway.operator..", "dev.kassa.gateway.sandbox..",
                        "dev.kassa.gateway.checkout..")
                .because("the merchant API knows nothing of the operator's, the buyer's or the sandbox's routes")
                .check(kassa);
        noClasses().that().resideInAPackage("dev.kassa.gateway.kafka..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.kassa.gateway.merchant..", "dev.kassa.gateway.operator..",
                        "dev.kassa.gateway.checkout..", "dev.kassa.gateway.sandbox..", "dev.kassa.gateway.payments..")
                .because("the Kafka plumbing serves every route and knows none")
                .check(kassa);
        noClasses().that().resideInAPackage("dev.kassa.gateway.payments..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.kassa.gateway.merchant..", "dev.kassa.gateway.operator..",
                        "dev.kassa.gateway.checkout..", "dev.kassa.gateway.sandbox..")
                .because("payments (routing, connectors, refunds) are used by the routes, never the other way round; the sandbox is "
                        + "one connector behind the interface")
                .check(kassa);
    }

    @Test
    void what_every_room_uses_and_the_merchant_accounts_sit_below_the_routes() {
        noClasses().that().resideInAPackage("dev.kassa.gateway.shared..")
                .should().dependOnClassesThat(resideInAPackage("dev.kassa.gateway..").and(not(resideInAPackage("dev.kassa.gateway.shared.."))))
                .because("gateway.shared is what every room of the gateway uses; it knows none of them")
                .check(kassa);
        noClasses().that().resideInAPackage("dev.kassa.gateway.accounts..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.kassa.gateway.dashboard..", "dev.kassa.gateway.operator..",
                        "dev.kassa.gateway.merchant..", "dev.kassa.gateway.checkout..", "io.micronaut.http..")
                .because("merchant accounts (the merchant record, its endpoints, its users) are changed by the dashboard and the "
                        + "operator API alike, and know neither, nor HTTP")
                .check(kassa);
    }

    /**
     * The gateway's modules, each a layer (Maven already refuses a module that imports one above it; this rule says
     * which packages are which module, so a class put in the wrong module's package fails here too).
     */
    @Test
    void the_gateways_modules_are_layered() {
        gatewayLayers().check(kassa);
    }

    static ArchRule gatewayLayers() {
        return layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("api-gateway").definedBy("dev.kassa.gateway", "dev.kassa.gateway.merchant..", "dev.kassa.gateway.checkout..",
                        "dev.kassa.gateway.dashboard..", "dev.kassa.gateway.pages..")
                .layer("operator-api").definedBy("dev.kassa.gateway.operator..")
                .layer("sandbox-provider").definedBy("dev.kassa.gateway.sandbox..")
                .layer("merchant-admin").definedBy("dev.kassa.gateway.accounts..", "dev.kassa.gateway.links..")
                .layer("payments").definedBy("dev.kassa.gateway.payments..")
                .layer("session-views").definedBy("dev.kassa.gateway.kafka..", "dev.kassa.gateway.views..")
                .layer("gateway-shared").definedBy("dev.kassa.gateway.shared..")
                .whereLayer("api-gateway").mayNotBeAccessedByAnyLayer()
                .whereLayer("operator-api").mayNotBeAccessedByAnyLayer()
                .whereLayer("sandbox-provider").mayOnlyBeAccessedByLayers("api-gateway")
                .whereLayer("merchant-admin").mayOnlyBeAccessedByLayers("api-gateway", "operator-api")
                .whereLayer("payments").mayOnlyBeAccessedByLayers("api-gateway", "operator-api", "sandbox-provider", "merchant-admin")
                .whereLayer("session-views").mayOnlyBeAccessedByLayers("api-gateway", "operator-api", "sandbox-provider", "merchant-admin",
                        "payments")
                .because("the HTTP adapters (the gateway's and the operator API) use merchant admin, payments and the sandbox "
                        + "provider, which use the session views "
                        + "and the gateway's Kafka clients; nothing below reaches up");
    }

    @Test
    void the_gateways_kafka_clients_views_payments_accounts_and_links_speak_no_http() {
        noClasses().that().resideInAnyPackage("dev.kassa.gateway.kafka..", "dev.kassa.gateway.views..", "dev.kassa.gateway.payments..",
                        "dev.kassa.gateway.accounts..", "dev.kassa.gateway.links..")
                .and().areNotAnnotatedWith("io.micronaut.http.annotation.Controller")
                .and().haveNameNotMatching(".*\\.\\$.*") // Micronaut's generated bean definitions ($X$Definition...)
                .should().dependOnClassesThat().resideInAnyPackage("io.micronaut.http..", "com.fasterxml.jackson..")
                .because("below the HTTP adapters the gateway works with typed records: no request, response or JSON tree "
                        + "(the views' own controller is the adapter that answers other gateways; merchant accounts take "
                        + "MerchantPatch, KeyRotation and EndpointSpec; links and products LinkSpec and ProductSpec)")
                .check(kassa);
    }

    @Test
    void what_every_room_of_the_gateway_shares_builds_no_http_answer() {
        noClasses().that().resideInAPackage("dev.kassa.gateway.shared..")
                .should().dependOnClassesThat().resideInAnyPackage("io.micronaut.http..")
                .because("ApiError and RateLimited are thrown by rooms that know no HTTP; the adapters' ErrorAnswers builds "
                        + "their answers, and ClientAddress reads a request in the adapters' edge package")
                .check(kassa);
    }

    @Test
    void controllers_and_stream_processors_are_not_public() {
        classes().that().areAnnotatedWith("io.micronaut.http.annotation.Controller")
                .should().notHaveModifier(JavaModifier.PUBLIC)
                .because("a controller is a thin shell reached over HTTP, never called as an API")
                .check(kassa);
        classes().that().implement("org.apache.kafka.streams.processor.api.Processor")
                .should().notHaveModifier(JavaModifier.PUBLIC)
                .because("a processor is wired by its topology's builder, never called from elsewhere")
                .check(kassa);
    }

    @Test
    void no_package_imports_itself_back_through_another() {
        noPackageCycles().check(kassa);
    }

    static ArchRule noPackageCycles() {
        return slices().matching("dev.kassa.(**)").should().beFreeOfCycles()
                .because("a package cycle is one room with several doors: nothing in it can be understood or tested alone");
    }

    /**
     * The rules themselves, on classes made to break them (test sources, never in the main import): two packages that
     * import each other, and a payments class that reaches up into the dashboard. Each must fail, naming the classes.
     */
    @Test
    void the_rules_fail_on_a_deliberately_added_cycle_and_an_upward_import() {
        JavaClasses cycle = new ClassFileImporter().importClasses(dev.kassa.cli.archfixture.ring.Left.class,
                dev.kassa.cli.archfixture.ring.back.Right.class);
        assertThatThrownBy(() -> noPackageCycles().check(cycle)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("Cycle detected").hasMessageContaining("Left").hasMessageContaining("Right");
        JavaClasses upward = new ClassFileImporter().importClasses(dev.kassa.gateway.payments.archfixture.ReachesUp.class,
                dev.kassa.gateway.dashboard.archfixture.Above.class);
        assertThatThrownBy(() -> gatewayLayers().check(upward)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("ReachesUp").hasMessageContaining("Above");
    }
}
