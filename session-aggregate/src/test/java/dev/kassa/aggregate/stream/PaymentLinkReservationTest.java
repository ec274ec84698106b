package dev.kassa.aggregate.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kassa.aggregate.domain.Commands;
import dev.kassa.aggregate.links.PaymentLinkDecider;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.DefineLink;
import dev.kassa.schemas.avro.OpenLink;
import dev.kassa.schemas.avro.PaymentLinkCommand;
import dev.kassa.schemas.avro.SessionStatus;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The payment-link fold and the session aggregate together (the aggregate's whole topology under TopologyTestDriver):
 * a single-use link's checkout whose buyer starts no payment within the reservation loses its use to the next buyer,
 * and is cancelled by the fold in the same transaction, so it can never be paid beside the next one.
 */
class PaymentLinkReservationTest {

    private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");

    @Test
    void a_lapsed_reservation_gives_the_use_to_the_next_buyer_and_cancels_the_first_checkout() {
        try (SessionDriver driver = new SessionDriver(T0)) {
            driver.link(command("c-define", T0, DefineLink.newBuilder().setCode("code-1").setAmountMinor(2500).setCurrency("EUR")
                    .setDescription("One seat").setReusable(false).setMaxUses(null).setExpiresAt(null).build()));
            driver.link(open("c-open-1", 1, T0));
            assertThat(driver.state(1).getStatus()).isEqualTo(SessionStatus.CREATED);

            // Within the reservation the single use is held: a second buyer gets no checkout.
            Instant within = T0.plus(PaymentLinkDecider.RESERVATION).minusSeconds(30);
            driver.link(open("c-open-2", 2, within));
            assertThat(driver.state(2)).isNull();

            // Past it, with no payment started, the use goes to the next buyer and the first checkout is cancelled.
            Instant after = T0.plus(PaymentLinkDecider.RESERVATION).plusSeconds(30);
            driver.link(open("c-open-3", 3, after));
            assertThat(driver.state(3).getStatus()).isEqualTo(SessionStatus.CREATED);
            assertThat(driver.state(1).getStatus()).isEqualTo(SessionStatus.CANCELLED);
        }
    }

    private static PaymentLinkCommand open(String id, long session, Instant at) {
        byte[] create = Topics.SESSION_COMMANDS.valueSerde().serializer().serialize(Topics.SESSION_COMMANDS.name(),
                Commands.create("create-" + session, session, at));
        return command(id, at, new OpenLink(session, ByteBuffer.wrap(create), at.plus(Duration.ofMinutes(15)), 1800L));
    }

    private static PaymentLinkCommand command(String id, Instant at, Object payload) {
        return PaymentLinkCommand.newBuilder().setCommandId(id).setLinkId("pl_reservation").setMerchantId(Commands.MERCHANT)
                .setIssuedAt(at).setPayload(payload).build();
    }
}
