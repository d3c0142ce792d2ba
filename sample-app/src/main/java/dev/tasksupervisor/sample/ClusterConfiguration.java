package dev.tasksupervisor.sample;

import java.sql.DatabaseMetaData;

import javax.sql.DataSource;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.init.DataSourceInitializer;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;

import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import net.javacrumbs.shedlock.provider.sql.DatabaseProduct;

/**
 * The {@code cluster} profile: a database every instance shares (an H2 file several local processes can open, or a
 * PostgreSQL server named by {@code sample.cluster.url}), with ShedLock's table and a ShedLock {@link LockProvider}
 * bean for the locked worker; the durable {@code invoice} queue is kept there too, shared by the instances.
 */
@Configuration(proxyBeanMethods = false)
@Profile("cluster")
class ClusterConfiguration {

    @Bean
    DataSource clusterDataSource(@Value("${sample.cluster.url}") String url,
            @Value("${sample.cluster.username}") String username, @Value("${sample.cluster.password}") String password) {
        // No pool: a demo (the lock's few statements per tick, the invoices). A real application pools (Hikari).
        return new DriverManagerDataSource(url, username, password);
    }

    /** Creates ShedLock's table unless an instance already has. */
    @Bean
    DataSourceInitializer shedLockTable(DataSource clusterDataSource) {
        DataSourceInitializer initializer = new DataSourceInitializer();
        initializer.setDataSource(clusterDataSource);
        initializer.setDatabasePopulator(new ResourceDatabasePopulator(new ClassPathResource("db/shedlock.sql")));
        return initializer;
    }

    /** The database's clock, not each instance's, decides when a lock expires: the instances' clocks may differ. */
    @Bean
    LockProvider lockProvider(DataSource clusterDataSource) throws MetaDataAccessException {
        return new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                .withJdbcTemplate(new JdbcTemplate(clusterDataSource))
                .withDatabaseProduct(databaseProduct(clusterDataSource)).usingDbTime().build());
    }

    /**
     * The database product, looked up once at start-up. Left to ShedLock, the look-up happens at the first lock,
     * and one that fails (the database briefly unreachable) fails that lock as "DB time is not supported for
     * database product: UNKNOWN", hiding the real error.
     */
    private static DatabaseProduct databaseProduct(DataSource dataSource) throws MetaDataAccessException {
        String name = JdbcUtils.extractDatabaseMetaData(dataSource, DatabaseMetaData::getDatabaseProductName);
        DatabaseProduct product = DatabaseProduct.matchProductName(name);
        if (product == DatabaseProduct.UNKNOWN) {
            throw new IllegalStateException("ShedLock cannot use the clock of the database '" + name + "' at "
                    + "sample.cluster.url: point it at a database ShedLock supports (H2, PostgreSQL, MySQL, ...)");
        }
        return product;
    }
}
