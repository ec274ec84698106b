package dev.kassa.gateway.shared;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DomainsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(textBlock = """
            yourshop.com,                         yourshop.com
            YourShop.COM,                         yourshop.com
            www.yourshop.com,                     yourshop.com
            https://www.yourshop.com,             yourshop.com
            http://yourshop.com:8080/checkout?x=1, yourshop.com
            shop.yourshop.co.uk,                  shop.yourshop.co.uk
            '  yourshop.com  ',                   yourshop.com
            """)
    void domains_normalize_as_seed_003_says(String raw, String expected) {
        assertThat(Domains.normalize(raw)).contains(expected);
    }

    @ParameterizedTest(name = "{0} is refused")
    @CsvSource({"not a domain", "localhost", "'.com'", "'a..b.com'", "''"})
    void what_is_not_a_domain(String raw) {
        assertThat(Domains.normalize(raw)).isEmpty();
    }
}
