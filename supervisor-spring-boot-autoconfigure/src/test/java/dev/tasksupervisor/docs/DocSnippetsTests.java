package dev.tasksupervisor.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Every {@code ```java} block of README.md and docs/*.md is code the build compiles: each block, its lines
 * trimmed and blank lines dropped, must appear in one snippet source under this package, its imports among
 * that file's imports and the rest as consecutive lines. A block edited in the docs but not here fails.
 */
class DocSnippetsTests {

    /** The module's directory is the working directory of its tests; the docs are one level up. */
    private static final Path PROJECT = Path.of("..");

    private static final Path SNIPPETS = Path.of("src/test/java/dev/tasksupervisor/docs");

    /** One ```java block of a Markdown file: where it starts, and its normalised lines. */
    record Block(Path file, int line, List<String> lines) {

        List<String> imports() {
            return lines.stream().filter(DocSnippetsTests::isImport).toList();
        }

        List<String> body() {
            return lines.stream().filter(l -> !isImport(l)).toList();
        }

        String where() {
            return PROJECT.relativize(file) + ":" + line + ": " + lines.get(0);
        }
    }

    /** A snippet source: its import lines and all its normalised lines. */
    record Source(Set<String> imports, List<String> lines) {
    }

    @Test
    void everyJavaBlockOfTheDocsIsInACompiledSnippetSource() {
        List<Source> sources = sources();
        List<Block> blocks = blocks();
        assertThat(blocks).as("java blocks found in README.md and docs/*.md").hasSizeGreaterThan(10);

        List<String> missing = blocks.stream()
                .filter(block -> sources.stream().noneMatch(source -> contains(source, block)))
                .map(Block::where)
                .toList();

        assertThat(missing)
                .as("java blocks of the docs found in no snippet source under %s: copy each into one "
                        + "(or fix the one that differs)", SNIPPETS)
                .isEmpty();
    }

    @Test
    void theCheckFindsABlockThatDiffersFromItsSource() {
        Source source = source("import a.B;\n\nclass X {\n    void run() {\n        go();\n    }\n}\n");

        assertThat(contains(source, block("import a.B;\nvoid run() {\n  go();\n}"))).isTrue();
        assertThat(contains(source, block("void run() {\n    stop();\n}"))).isFalse();
        assertThat(contains(source, block("import a.C;\nvoid run() {"))).isFalse();
        assertThat(contains(source, block("class X {\n        go();"))).as("lines not consecutive").isFalse();
    }

    private static boolean contains(Source source, Block block) {
        return source.imports().containsAll(block.imports())
                && (block.body().isEmpty() || Collections.indexOfSubList(source.lines(), block.body()) >= 0);
    }

    private static List<Block> blocks() {
        List<Path> files = new ArrayList<>();
        files.add(PROJECT.resolve("README.md"));
        try (Stream<Path> docs = Files.list(PROJECT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Block> blocks = new ArrayList<>();
        for (Path file : files) {
            List<String> lines = read(file);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).strip().equals("```java")) {
                    int start = i + 1;
                    List<String> code = new ArrayList<>();
                    for (i = start; i < lines.size() && !lines.get(i).strip().startsWith("```"); i++) {
                        code.add(lines.get(i));
                    }
                    blocks.add(new Block(file, start + 1, normalise(code)));
                }
            }
        }
        return blocks;
    }

    private static List<Source> sources() {
        try (Stream<Path> files = Files.walk(SNIPPETS)) {
            return files.filter(p -> p.toString().endsWith(".java"))
                    .map(p -> source(String.join("\n", read(p))))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Block block(String text) {
        return new Block(PROJECT.resolve("test.md"), 1, normalise(text.lines().toList()));
    }

    private static Source source(String text) {
        List<String> lines = normalise(text.lines().toList());
        return new Source(lines.stream().filter(DocSnippetsTests::isImport).collect(Collectors.toCollection(HashSet::new)),
                lines);
    }

    /** Indentation and runs of spaces do not count, nor do blank lines. */
    private static List<String> normalise(List<String> lines) {
        return lines.stream()
                .map(l -> l.strip().replaceAll("\\s+", " "))
                .filter(l -> !l.isEmpty())
                .toList();
    }

    private static boolean isImport(String line) {
        return line.startsWith("import ");
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
