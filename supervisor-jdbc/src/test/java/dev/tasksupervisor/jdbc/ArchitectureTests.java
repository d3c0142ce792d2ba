package dev.tasksupervisor.jdbc;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import dev.tasksupervisor.testsupport.PackageRules;

/**
 * The shape of the JDBC module: acyclic packages; what applications import here lives outside any
 * {@code autoconfigure} package, and the store knows nothing of Spring Boot (the Spring layer builds on it).
 */
class ArchitectureTests {

    private static final JavaClasses MODULE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("dev.tasksupervisor");

    @Test
    void packagesFormNoCycle() {
        PackageRules.packagesAreFreeOfCycles().check(MODULE);
    }

    @Test
    void nothingLivesInAnAutoConfigurationPackage() {
        noClasses().should().resideInAPackage("..autoconfigure..").check(MODULE);
    }

    @Test
    void theStoreKnowsNothingOfSpringBoot() {
        noClasses().should().dependOnClassesThat().resideInAPackage("org.springframework.boot..").check(MODULE);
    }
}
