package com.gitlab.ops.release.dashboard;

import static com.gitlab.ops.release.DeployEvents.resolved;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitlab.ops.release.DeployEvents;
import com.gitlab.ops.release.FakeGitLabResource;
import com.gitlab.ops.release.GitRepositoryResource;
import com.gitlab.ops.release.TestGitRepository;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.UnleashServerResource;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The release dashboard in a real browser (Debian's chromium, driven by Playwright): what a release
 * manager sees after deploy events go through the real broker, and that it follows new events by
 * itself. Each test leaves a screenshot under target/screenshots.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "deploys,deploys.dlq"))
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "release"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "post_deploy_migrations_note"))
@WithTestResource(GitRepositoryResource.class)
@WithTestResource(FakeGitLabResource.class)
class DashboardTest {

    /** Where Debian's chromium package puts the browser; CHROMIUM overrides it. */
    private static final String CHROMIUM = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
    private static final AtomicInteger MIGRATIONS = new AtomicInteger();
    private static final LocatorAssertions.ContainsTextOptions SOON = new LocatorAssertions.ContainsTextOptions().setTimeout(30_000);

    private static Playwright playwright;
    private static Browser browser;

    @TestHTTPResource("/dashboard")
    URL dashboard;

    @ConfigProperty(name = "release-tracker.git-repository")
    String repositoryPath;

    @Inject
    EntityManager em;

    private final DeployEvents events = new DeployEvents();
    private TestGitRepository repository;
    private Page page;
    private String fileName;
    private String introducingCommit;
    private String before;
    private String introducing;

    @BeforeAll
    static void browser() {
        // Nothing downloaded: the machine's chromium, headless; as root it needs --no-sandbox.
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(Path.of(CHROMIUM)).setHeadless(true)
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync")));
    }

    @AfterAll
    static void closeBrowser() {
        browser.close();
        playwright.close();
    }

    /** Two packages on gstg-cny and gprd; the second introduces a post-migration, not run yet. */
    @BeforeEach
    void deployed() {
        DeployEvents.reset(em);
        repository = TestGitRepository.open(repositoryPath);
        fileName = "202304011200" + String.format("%02d", MIGRATIONS.incrementAndGet()) + "_add_index_on_merge_requests.rb";
        String base = repository.commit("base", "app/models/merge_request.rb");
        introducingCommit = repository.commit("index merge requests", "db/post_migrate/" + fileName);
        before = DeployEvents.pkg("16.2", base);
        introducing = DeployEvents.pkg("16.2", introducingCommit);
        for (String pkg : List.of(before, introducing)) {
            events.deploy(pkg, "gstg-cny");
            resolved(pkg);
            events.deploy(pkg, "gprd");
        }
        page = browser.newPage(new Browser.NewPageOptions().setViewportSize(1440, 900));
    }

    @AfterEach
    void screenshot(TestInfo test) throws Exception {
        Path dir = Path.of("target", "screenshots");
        Files.createDirectories(dir);
        page.screenshot(new Page.ScreenshotOptions().setPath(dir.resolve(test.getTestMethod().orElseThrow().getName() + ".png")).setFullPage(true));
        page.close();
        repository.close();
    }

    @Test
    void showsWhatRunsWhereThePostMigrationsAndTheRollbackBoundary() {
        page.navigate(dashboard.toString());
        assertThat(page).hasTitle("Release dashboard");
        Locator gprd = rowOf("Rollback boundary", "gprd");
        assertThat(gprd).containsText(introducing);
        assertThat(gprd.locator("td").nth(1)).containsText(before);

        Locator packages = section("Packages on each environment");
        Locator newest = packages.getByRole(AriaRole.ROW).filter(new Locator.FilterOptions().setHasText(introducing));
        assertEquals(4, page.locator("#environments-heading ~ table thead th[scope=col]").count() - 1, "a column per environment");
        assertThat(newest).containsText("running now");
        Locator article = section("Post-migrations by package").locator("article").filter(new Locator.FilterOptions().setHasText(introducing));
        assertThat(article).containsText("db/post_migrate/" + fileName);
        assertThat(article).containsText("not run on any environment yet");
        assertThat(section("Post-migrations by package").locator("article").filter(new Locator.FilterOptions().setHasText(before)))
                .containsText("never worked out");
    }

    @Test
    void followsNewDeployEventsWithoutAReload() {
        page.navigate(dashboard.toString());
        assertThat(rowOf("Rollback boundary", "gprd").locator("td").nth(1)).containsText(before);

        // The post-deploy migrations ran on gprd: going back before them is no longer safe.
        events.postMigrationsRan(introducing, "gprd");
        Locator gprd = rowOf("Rollback boundary", "gprd");
        assertThat(gprd.locator("td").nth(1)).containsText("not even the previous package", SOON);
        assertThat(gprd.locator("td").nth(2)).containsText("blocked by db/post_migrate/" + fileName, SOON);

        // A new package arrives on gprd: it shows as running there, still without a reload.
        String next = DeployEvents.pkg("16.2", repository.commit("later", "app/later.rb"));
        events.deploy(next, "gstg-cny");
        events.deploy(next, "gprd");
        assertThat(rowOf("Rollback boundary", "gprd").locator("td").first()).containsText(next, SOON);
        assertThat(section("Packages on each environment").getByRole(AriaRole.ROW).filter(new Locator.FilterOptions().setHasText(next)))
                .containsText("running now", SOON);
    }

    @Test
    void searchFindsAFileAndACommit() {
        page.navigate(dashboard.toString());
        Locator box = page.getByLabel("Post-migration file name or path, or a commit sha");
        box.fill(fileName);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Search")).click();
        Locator result = page.locator("#search-result");
        assertThat(result).containsText("Introduced by package " + introducing, SOON);
        // Answered in place by htmx: the page was not submitted (that would put ?q= in the address).
        assertEquals(dashboard.toString(), page.url());
        assertThat(result).containsText("It has not run on any environment yet.");

        box.fill(introducingCommit);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Search")).click();
        assertThat(result).containsText("First in package " + introducing, SOON);
        assertThat(rowOf(result, "gprd")).containsText(introducing + " yes");
        assertThat(rowOf(result, "gstg")).containsText("nothing deployed");

        box.fill("20990101000000_nothing.rb");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Search")).click();
        assertThat(result).containsText("no package is known to have introduced", SOON);
    }

    @Test
    void aScreenReaderFindsHeadingsLabelsAndCaptions() {
        page.navigate(dashboard.toString());
        assertEquals(1, page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setLevel(1)).count());
        List<String> sections = page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setLevel(2)).allInnerTexts();
        assertEquals(List.of("Find a post-migration or a commit", "Packages on each environment", "Rollback boundary",
                "Post-migrations by package", "Release 16.2: notes on the release issue"), sections);
        assertThat(page.getByRole(AriaRole.SEARCHBOX, new Page.GetByRoleOptions().setName("Post-migration file name or path, or a commit sha")))
                .isVisible();
        for (Locator table : page.locator("table").all()) {
            assertTrue(!table.locator("caption").innerText().isBlank(), "every table has a caption");
        }
        // Without JavaScript the search is a plain form: the page itself answers ?q=.
        page.navigate(dashboard + "?q=" + fileName);
        assertThat(page.locator("#search-result")).containsText("Introduced by package " + introducing);
    }

    private Locator section(String heading) {
        return page.locator("section").filter(new Locator.FilterOptions().setHas(page.getByRole(AriaRole.HEADING,
                new Page.GetByRoleOptions().setName(heading))));
    }

    private Locator rowOf(String heading, String environment) {
        return rowOf(section(heading), environment);
    }

    /** The table row whose header is exactly the environment (gprd, not gprd-cny). */
    private Locator rowOf(Locator within, String environment) {
        return within.locator("tbody tr").filter(new Locator.FilterOptions().setHas(page.getByRole(AriaRole.ROWHEADER,
                new Page.GetByRoleOptions().setName(environment).setExact(true))));
    }
}
