/**
 * The Java snippets of README.md and docs/*.md, as code the build compiles (one package per page), and
 * {@code DocSnippetsTests}, which checks that every snippet of the docs is here.
 */
package dev.tasksupervisor.docs;
