package dev.kassa.gateway.accounts;

import dev.kassa.gateway.kafka.MerchantRecords;
import dev.kassa.schemas.avro.Merchant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** Merchant records in a map, for unit tests without a broker; every write and every fenced change is counted. */
final class InMemoryRecords implements MerchantRecords {
    final Map<Long, Merchant> byId = new HashMap<>();
    final List<Merchant> writes = new ArrayList<>();
    int fencedChanges;

    @Override
    public Merchant merchantRecord(long id) {
        return byId.get(id);
    }

    @Override
    public Merchant putMerchant(Merchant merchant, Duration timeout) {
        writes.add(merchant);
        byId.put(merchant.getMerchantId(), merchant);
        return merchant;
    }

    @Override
    public <T> T changeMerchant(long merchantId, Callable<T> change) throws Exception {
        fencedChanges++;
        return change.call();
    }
}
