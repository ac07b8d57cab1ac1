package io.trinospot.fis.local;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LakeWriteTest
{
    private static final LakeWrite.Fingerprint FAULT_FREE = new LakeWrite.Fingerprint(11_745_000, "ab12");

    @Test
    void theTableIsNamedPerRunInItsOwnSchema()
    {
        LakeWrite write = new LakeWrite("lake.tpcds_sf1", "20261202041500");
        assertThat(write.table()).isEqualTo("lake.trino_spot_demo.inventory_weekly_20261202041500");
        assertThat(write.createSql()).startsWith("CREATE TABLE lake.trino_spot_demo.inventory_weekly_20261202041500 WITH (format = 'ORC') AS\nSELECT ")
                .contains("FROM lake.trino_spot_demo.tpcds_sf1_inventory_by_key_192 inv")
                .contains("JOIN lake.tpcds_sf1.date_dim d");
        assertThat(write.source()).isEqualTo("lake.trino_spot_demo.tpcds_sf1_inventory_by_key_192");
        assertThat(write.sourceSql()).isEqualTo("CREATE TABLE IF NOT EXISTS lake.trino_spot_demo.tpcds_sf1_inventory_by_key_192"
                + " WITH (format = 'ORC', bucketed_by = ARRAY['inv_date_sk', 'inv_item_sk', 'inv_warehouse_sk'], bucket_count = 192)"
                + " AS SELECT * FROM lake.tpcds_sf1.inventory");
        // the fault-free run splits its scan as the write does
        assertThat(write.referenceSessionProperties())
                .containsEntry("lake.bucket_execution_enabled", "false")
                .containsEntry("fault_tolerant_execution_max_task_split_count", "64");
        assertThat(write.sessionProperties()).containsAllEntriesOf(write.referenceSessionProperties());
        assertThatThrownBy(() -> new LakeWrite("lake.tpcds_sf1", "x; DROP TABLE y")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSameWriteAsAnInsertIntoATablePartitionedByYear()
    {
        LakeWrite write = new LakeWrite("lake.tpcds_sf1", "etl_1", 2);
        assertThat(write.createPartitionedSql())
                .startsWith("CREATE TABLE lake.trino_spot_demo.inventory_weekly_etl_1 WITH (format = 'ORC', partitioned_by = ARRAY['year']) AS\n"
                        + "SELECT week_seq, warehouse, item_id, category, brand, quantity_on_hand, row_token, year FROM (SELECT ")
                .endsWith(") WITH NO DATA");
        assertThat(write.insertSql()).startsWith("INSERT INTO lake.trino_spot_demo.inventory_weekly_etl_1\n"
                + "SELECT week_seq, warehouse, item_id, category, brand, quantity_on_hand, row_token, year FROM (SELECT ");
        // the token's rounds set the write's length
        assertThat(write.select().split("sha256\\(", -1)).hasSize(3);
        assertThat(new LakeWrite("lake.tpcds_sf1", "etl_1").select().split("sha256\\(", -1)).hasSize(LakeWrite.TOKEN_ROUNDS + 1);
        assertThatThrownBy(() -> new LakeWrite("lake.tpcds_sf1", "etl_1", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aScaledWriteTakesEveryNthWeek()
    {
        assertThat(LakeWrite.weekStride(1)).isEqualTo(1);
        assertThat(LakeWrite.weekStride(0.25)).isEqualTo(4);
        assertThat(LakeWrite.weekStride(0.3)).isEqualTo(3);
        assertThatThrownBy(() -> LakeWrite.weekStride(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 0.0");
        assertThatThrownBy(() -> LakeWrite.weekStride(1.5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 1.5");
        assertThatThrownBy(() -> new LakeWrite("lake.tpcds_sf1", "etl_1", 2, 0)).isInstanceOf(IllegalArgumentException.class);

        // a copy of every 4th week, made once per lake beside the full one; the write reads it as it reads the full one
        LakeWrite quarter = new LakeWrite("lake.tpcds_sf1", "etl_1", 2, 4);
        assertThat(quarter.source()).isEqualTo("lake.trino_spot_demo.tpcds_sf1_inventory_by_key_192_every_4_weeks");
        assertThat(quarter.sourceSql()).endsWith(" AS SELECT * FROM lake.tpcds_sf1.inventory WHERE inv_date_sk IN "
                + "(SELECT d_date_sk FROM lake.tpcds_sf1.date_dim WHERE mod(d_week_seq, 4) = 0)");
        LakeWrite full = new LakeWrite("lake.tpcds_sf1", "etl_1", 2);
        assertThat(quarter.select()).isEqualTo(full.select().replace(full.source(), quarter.source()));
        assertThat(full.sourceSql()).endsWith(" AS SELECT * FROM lake.tpcds_sf1.inventory");
    }

    @Test
    void exactMeansTheSameRowsAndChecksumAndNoLeftoverFiles()
    {
        assertThat(new LakeWrite.Check(Optional.of(FAULT_FREE), FAULT_FREE, List.of()).exact()).isTrue();
        assertThat(new LakeWrite.Check(Optional.of(FAULT_FREE), FAULT_FREE, List.of()).summary())
                .isEqualTo("identical to the fault-free run (11,745,000 rows, checksum ab12); no leftover files");

        LakeWrite.Check duplicated = new LakeWrite.Check(Optional.of(new LakeWrite.Fingerprint(11_745_001, "ab13")), FAULT_FREE, List.of());
        assertThat(duplicated.exact()).isFalse();
        assertThat(duplicated.summary()).startsWith("DIFFERS from the fault-free run: written 11,745,001 rows, checksum ab13, fault-free 11,745,000 rows");

        LakeWrite.Check leftover = new LakeWrite.Check(Optional.of(FAULT_FREE), FAULT_FREE, List.of("s3://lake/t/attempt-1"));
        assertThat(leftover.exact()).isFalse();
        assertThat(leftover.summary()).endsWith("; 1 leftover file(s): s3://lake/t/attempt-1");

        LakeWrite.Check none = new LakeWrite.Check(Optional.empty(), FAULT_FREE, List.of());
        assertThat(none.exact()).isFalse();
        assertThat(none.summary()).startsWith("the write left no table");
    }
}
