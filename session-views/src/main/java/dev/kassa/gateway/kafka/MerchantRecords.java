package dev.kassa.gateway.kafka;

import dev.kassa.schemas.avro.Merchant;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * What a change of a merchant's record needs: the record as the gateway wrote it, a write that waits until it can be
 * read back, and the fence that makes a read-modify-write of one merchant safe against every other
 * ({@link MerchantDirectory} on Kafka; an in-memory map in a unit test).
 */
public interface MerchantRecords {

    /** The merchant record as the gateway wrote it (the relay's endpoint facts not folded in), or null. */
    Merchant merchantRecord(long id);

    /** Writes the record and waits (at most {@code timeout}) until this gateway reads it back; null if it did not. */
    Merchant putMerchant(Merchant merchant, Duration timeout) throws Exception;

    /** Runs {@code change} (a read, then one write) fenced against every other change of this merchant. */
    <T> T changeMerchant(long merchantId, Callable<T> change) throws Exception;
}
