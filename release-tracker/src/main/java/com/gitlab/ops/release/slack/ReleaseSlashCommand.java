package com.gitlab.ops.release.slack;

import com.gitlab.ops.platform.error.ApiException;
import com.gitlab.ops.release.commit.CommitResource;
import com.gitlab.ops.release.commit.CommitStatus;
import com.gitlab.ops.release.migration.PostMigrationResource;
import com.gitlab.ops.release.migration.PostMigrationResource.PostMigrationView;
import com.gitlab.ops.release.rollback.RollbackCheck;
import com.gitlab.ops.release.rollback.RollbackCheckResource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code /release <subcommand>}: each answer comes from the API's own resource, so that Slack never
 * says what {@code /api} would not. What the API refuses is said with its sentence; a command Slack
 * users cannot have meant gets the help.
 */
@ApplicationScoped
public class ReleaseSlashCommand {

    static final String HELP = """
            *Release tracker commands*
            • `/release post-migration <file>`: which package introduced a post-deploy migration, and where it has run
            • `/release rollback-check <environment> <package>`: whether rolling the environment back to the package is safe
            • `/release status <sha>`: the first package with the commit, and whether each environment runs it
            • `/release help`: this list""";
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'");

    private final PostMigrationResource postMigrations;
    private final RollbackCheckResource rollbackChecks;
    private final CommitResource commits;

    public ReleaseSlashCommand(PostMigrationResource postMigrations, RollbackCheckResource rollbackChecks, CommitResource commits) {
        this.postMigrations = postMigrations;
        this.rollbackChecks = rollbackChecks;
        this.commits = commits;
    }

    public SlackMessage answer(String text) {
        List<String> words = List.of(text.trim().split("\\s+"));
        String subcommand = words.get(0);
        List<String> args = words.subList(1, words.size());
        try {
            return switch (subcommand) {
                case "post-migration" -> args.size() == 1 ? postMigration(args.get(0)) : help("give one file: `/release post-migration <file>`");
                case "rollback-check" -> args.size() == 2 ? rollbackCheck(args.get(0), args.get(1))
                        : help("give an environment and a package: `/release rollback-check <environment> <package>`");
                case "status" -> args.size() == 1 ? status(args.get(0)) : help("give one commit sha: `/release status <sha>`");
                case "", "help" -> SlackMessage.ephemeral(HELP);
                default -> help("`" + SlackMessage.escape(subcommand) + "` is not a /release command.");
            };
        } catch (ApiException refused) {
            // A malformed package or sha is a user's typo: the sentence and how to ask; anything else, the sentence.
            String sentence = SlackMessage.escape(refused.getMessage());
            return refused.status() == Response.Status.BAD_REQUEST ? help(sentence) : SlackMessage.ephemeral(sentence);
        }
    }

    private static SlackMessage help(String why) {
        return SlackMessage.ephemeral(why + "\n\n" + HELP);
    }

    private SlackMessage postMigration(String file) {
        PostMigrationView found = postMigrations.find(file);
        String ran = found.ranOn().isEmpty() ? "It has not run on any environment yet."
                : "It has run on " + String.join(", ", found.ranOn()) + ".";
        return SlackMessage.ephemeral("`" + found.path() + "` was introduced by `" + found.packageVersion() + "` (release "
                + found.release() + ")" + (found.introducedAt() == null ? "" : ", deployed " + WHEN.format(found.introducedAt())) + ".\n" + ran);
    }

    private SlackMessage rollbackCheck(String environment, String pkg) {
        RollbackCheck check = rollbackChecks.check(environment, pkg);
        StringBuilder out = new StringBuilder(check.safe()
                ? ":white_check_mark: Rolling `" + environment + "` back to `" + pkg + "` is safe: no post-migration introduced after it has run there."
                : ":no_entry: Rolling `" + environment + "` back to `" + pkg + "` is *not* known to be safe.");
        if (!check.blocking().isEmpty()) {
            out.append("\nPost-migrations introduced after it that have already run on ").append(environment).append(':');
            check.blocking().forEach(b -> out.append("\n• `").append(b.path()).append("` (introduced by `").append(b.packageVersion()).append("`)"));
        }
        if (!check.unknown().isEmpty()) {
            out.append("\nUnknown, so not safe:");
            check.unknown().forEach(u -> out.append("\n• `").append(u.packageVersion()).append("`: ").append(SlackMessage.escape(u.reason())));
        }
        return SlackMessage.ephemeral(out.toString());
    }

    private SlackMessage status(String sha) {
        CommitStatus status = commits.status(sha);
        StringBuilder out = new StringBuilder("Commit `" + status.sha() + "`");
        out.append(status.firstPackage() == null ? " is in no package yet."
                : " is first in `" + status.firstPackage().packageVersion() + "`" + built(status.firstPackage().builtAt()) + ".");
        Map<String, CommitStatus.EnvironmentStatus> environments = status.environments();
        out.append(environments.entrySet().stream().map(e -> "\n• " + e.getKey() + ": " + environment(e.getValue()))
                .collect(Collectors.joining()));
        return SlackMessage.ephemeral(out.toString());
    }

    private static String built(OffsetDateTime at) {
        return at == null ? "" : " (built " + WHEN.format(at) + ")";
    }

    private static String environment(CommitStatus.EnvironmentStatus env) {
        if (env.packageVersion() == null) {
            return "nothing deployed";
        }
        String contains = env.contains() == null ? "not known whether it has the commit"
                : env.contains() ? "has the commit" : "does not have the commit";
        return "runs `" + env.packageVersion() + "`, " + contains;
    }
}
