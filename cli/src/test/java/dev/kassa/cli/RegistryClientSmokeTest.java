package dev.kassa.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kassa.localkafka.FreePorts;
import dev.kassa.schemas.AvroSerde;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.WireFormat;
import dev.kassa.schemas.avro.CheckoutMode;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.MerchantPackage;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Apicurio's real registry client (Vert.x) on the classpath the kassa command runs with (Netty 4.2, Micronaut
 * beside it): pointed at a port where no registry listens, writing a record fails as a connection failure that names
 * the problem, not as a linkage error between library versions. A live registry is not part of the suite (no
 * Docker here); this is the part of the registry path that can be checked without one.
 */
class RegistryClientSmokeTest {

    @AfterEach
    void reset() {
        WireFormat.useSingleObject();
    }

    @Test
    void the_real_registry_client_loads_beside_the_gateways_netty_and_reports_an_unreachable_registry() throws Exception {
        int port = FreePorts.pick();
        WireFormat.useRegistry("http://127.0.0.1:" + port + "/apis/registry/v3");
        Merchant merchant = Merchant.newBuilder().setMerchantId(1).setEmail("m@example.com").setApiKeyHash("sha256:00")
                .setDomains(List.of("shop.example")).setPackage$(MerchantPackage.PRO).setCheckoutMode(CheckoutMode.SMART_ROUTER)
                .setCreatedAt(Instant.EPOCH).setUpdatedAt(Instant.EPOCH).build();
        Throwable failure = catchThrowable(() -> new AvroSerde<>(Merchant.class).serializer().serialize(Topics.MERCHANTS.name(), merchant));
        assertThat(failure).as("no registry listens there").isNotNull();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            assertThat(t).as("a linkage error means mismatched library versions on the classpath")
                    .isNotInstanceOf(LinkageError.class);
        }
        String chain = chain(failure);
        assertThat(chain).containsIgnoringCase("connect");
        System.out.println("registry smoke: unreachable registry reported as: " + chain.lines().findFirst().orElse(""));
    }

    private static String chain(Throwable failure) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            b.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
        }
        return b.toString();
    }
}
