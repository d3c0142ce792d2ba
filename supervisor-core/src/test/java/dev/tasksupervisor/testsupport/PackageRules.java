package dev.tasksupervisor.testsupport;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;

/** The package rules every module's {@code ArchitectureTests} check, written once. */
public final class PackageRules {

    private PackageRules() {
    }

    /**
     * No cycle among the packages under {@code dev.tasksupervisor}, the root package itself included (a
     * slice per package, not per top-level subpackage: {@code dev.tasksupervisor.(*)..} would leave the root
     * out and let it form a cycle with any subpackage).
     */
    public static ArchRule packagesAreFreeOfCycles() {
        return SlicesRuleDefinition.slices().assignedFrom(new OnePerPackage()).should().beFreeOfCycles();
    }

    /** Each package of ours is a slice of its own. */
    private static final class OnePerPackage implements SliceAssignment {

        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            String pkg = javaClass.getPackageName();
            return pkg.equals("dev.tasksupervisor") || pkg.startsWith("dev.tasksupervisor.")
                    ? SliceIdentifier.of(pkg) : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "one slice per package under dev.tasksupervisor";
        }
    }
}
