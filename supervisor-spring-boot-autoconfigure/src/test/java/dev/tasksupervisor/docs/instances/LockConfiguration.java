package dev.tasksupervisor.docs.instances;

import javax.sql.DataSource;

import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/** docs/several-instances.md: the LockProvider bean on a JDBC store. */
@Configuration(proxyBeanMethods = false)
class LockConfiguration {

    @Bean
    LockProvider lockProvider(DataSource dataSource) {
        JdbcTemplate jdbcTemplate = new JdbcTemplate(dataSource);
        jdbcTemplate.setQueryTimeout(10); // seconds: a hung database cannot hold a run, or a shutdown, forever
        return new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                .withJdbcTemplate(jdbcTemplate).usingDbTime().build());
    }
}
