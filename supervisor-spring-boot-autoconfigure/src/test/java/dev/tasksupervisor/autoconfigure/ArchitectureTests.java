package dev.tasksupervisor.autoconfigure;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import java.lang.annotation.Annotation;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import dev.tasksupervisor.testsupport.PackageRules;
import dev.tasksupervisor.worker.RunGuard;

/**
 * The shape of the Spring Boot module: acyclic packages; what applications import (the {@code @Worker}
 * annotation, the lock types) outside the auto-configuration packages; the auto-configuration's internals
 * package-private.
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
    void annotationsApplicationsUseLiveOutsideTheAutoConfiguration() {
        classes().that().areAnnotations().and().arePublic().should().resideOutsideOfPackage("..autoconfigure..")
                .check(MODULE);
    }

    @Test
    void runGuardsApplicationsUseLiveOutsideTheAutoConfiguration() {
        classes().that().implement(RunGuard.class).and().arePublic().should().resideOutsideOfPackage("..autoconfigure..")
                .check(MODULE);
    }

    @Test
    void theAutoConfigurationShowsOnlyWhatSpringBootAndApplicationsReach() {
        classes().that().resideInAPackage("..autoconfigure..").and().arePublic().and().areTopLevelClasses()
                .should().haveSimpleNameEndingWith("AutoConfiguration")
                .orShould().haveSimpleNameEndingWith("Properties")
                .orShould().haveSimpleName("SupervisorConfigurationException")
                .orShould().resideInAnyPackage("..autoconfigure.endpoint", "..autoconfigure.health",
                        "..autoconfigure.metrics")
                .check(MODULE);
    }

    @Test
    void autoConfigurationsArePublicAndFinal() {
        classes().that().resideInAPackage("..autoconfigure..").and(annotatedWith(
                org.springframework.boot.autoconfigure.AutoConfiguration.class))
                .should().bePublic().andShould().haveModifier(com.tngtech.archunit.core.domain.JavaModifier.FINAL)
                .check(MODULE);
    }

    private static DescribedPredicate<JavaClass> annotatedWith(Class<? extends Annotation> annotation) {
        return DescribedPredicate.describe("annotated with @" + annotation.getSimpleName(),
                javaClass -> javaClass.isAnnotatedWith(annotation));
    }
}
