package dev.tasksupervisor;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import dev.tasksupervisor.testsupport.PackageRules;

/** The shape of the core: acyclic packages, no Spring, the engine behind the facade kept package-private. */
class ArchitectureTests {

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.tasksupervisor");

    @Test
    void packagesFormNoCycleTheRootIncluded() {
        PackageRules.packagesAreFreeOfCycles().check(CORE);
    }

    @Test
    void theCoreKnowsNothingOfSpring() {
        noClasses().should().dependOnClassesThat().resideInAPackage("org.springframework..").check(CORE);
    }

    @Test
    void theLeavesDependOnNoOtherPackageOfOurs() {
        noClasses().that().resideInAnyPackage("dev.tasksupervisor.lifecycle", "dev.tasksupervisor.config",
                "dev.tasksupervisor.pool", "dev.tasksupervisor.store")
                .should().dependOnClassesThat().resideInAnyPackage("dev.tasksupervisor", "dev.tasksupervisor.aloop",
                        "dev.tasksupervisor.worker")
                .check(CORE);
    }

    @Test
    void theEngineBehindTheFacadeIsNotPublic() {
        classes().that().resideInAPackage("dev.tasksupervisor").and().arePublic()
                .should().haveSimpleNameEndingWith("TaskSupervisor").orShould().haveSimpleName("SupervisorInfo")
                .orShould().haveSimpleName("SupervisorState").orShould().haveSimpleName("StopOptions")
                .check(CORE);
    }
}
