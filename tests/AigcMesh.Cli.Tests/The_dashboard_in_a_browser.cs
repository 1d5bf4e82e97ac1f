using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace AigcMesh.Cli.Tests;

/// <summary>
/// The dashboard (/dashboard, served by the gateway) driven in Debian's headless Chromium through Playwright, against
/// the same embedded mesh the CLI tests use: every step asserts on what the page shows, so a broken page fails here.
/// Screenshots are kept in <see cref="ArtifactFolder"/> (AIGC_TEST_ARTIFACTS, or artifacts/ beside the test assembly).
/// </summary>
[Collection(CliMeshCollection.Name)]
public sealed partial class The_dashboard_in_a_browser(CliMesh mesh, ITestOutputHelper output) : IAsyncLifetime
{
    private const float LongWait = 120_000;
    private IPlaywright playwright = null!;
    private IBrowser browser = null!;

    public static string ChromiumPath => Environment.GetEnvironmentVariable("AIGC_TEST_CHROMIUM") ?? "/usr/bin/chromium";

    public static string ArtifactFolder => Environment.GetEnvironmentVariable("AIGC_TEST_ARTIFACTS") ?? Path.Combine(AppContext.BaseDirectory, "artifacts");

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"No Chromium at {ChromiumPath}: install Debian's chromium package (apt-get install chromium) or set AIGC_TEST_CHROMIUM.");
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
    }

    public async Task DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
    }

    [Fact]
    public async Task Takes_a_key_imports_the_built_in_images_trains_live_and_shows_models_leaderboard_and_a_generated_grid()
    {
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        var scriptErrors = new List<string>();
        page.PageError += (_, message) => scriptErrors.Add(message);
        try
        {
            await page.GotoAsync(new Uri(mesh.Mesh.GatewayAddress, "dashboard/").ToString());
            await Expect(page).ToHaveTitleAsync("AigcMesh dashboard");

            // No key yet: the data set list is refused and the page says why.
            await Expect(page.Locator("#banner")).ToContainTextAsync("401");

            // The key, entered once: the banner goes and the data sets load.
            await page.Locator("#api-key").FillAsync(CliMesh.WriteKey);
            await page.GetByRole(AriaRole.Button, new() { Name = "Use key" }).ClickAsync();
            await Expect(page.Locator("#key-state")).ToHaveTextAsync("key set");
            await Expect(page.Locator("#banner")).ToBeHiddenAsync();

            // Import the built-in images (16x16) through the form and follow its progress to the end.
            var import = page.Locator("#import-form");
            await import.Locator("select[name=source]").SelectOptionAsync("synthetic-images");
            await import.Locator("input[name=imageSize]").FillAsync("16");
            await import.GetByRole(AriaRole.Button, new() { Name = "Import" }).ClickAsync();
            await Expect(page.Locator("#import-progress span")).ToContainTextAsync(new Regex("^imported .* as [0-9a-f]{8}"), new() { Timeout = LongWait });
            var datasetRow = page.Locator("#datasets-table tbody tr", new() { HasText = "synthetic-images" }).First;
            await Expect(datasetRow).ToBeVisibleAsync();
            var datasetId = await datasetRow.GetAttributeAsync("data-id");
            Assert.Matches("^[0-9a-f]{64}$", datasetId);

            // Its statistics and preview grid.
            await datasetRow.ClickAsync();
            await Expect(page.Locator("#dataset-statistics tr").First).ToBeVisibleAsync();
            await ExpectLoadedImageAsync(page.Locator("#dataset-preview img"));

            // A bad hyperparameter: the service's problem details appear next to the field.
            await page.GetByRole(AriaRole.Button, new() { Name = "Runs", Exact = true }).ClickAsync();
            var runForm = page.Locator("#run-form");
            await runForm.Locator("select[name=datasetId]").SelectOptionAsync(datasetId!);
            await runForm.Locator("select[name=family]").SelectOptionAsync("dcgan");
            await runForm.Locator("textarea[name=hyperparameters]").FillAsync("generator_width=-3");
            await runForm.GetByRole(AriaRole.Button, new() { Name = "Start run" }).ClickAsync();
            await Expect(runForm.Locator("[data-error-for=hyperparameters]")).ToContainTextAsync("generator_width");
            await Expect(runForm.Locator("textarea[name=hyperparameters]")).ToHaveClassAsync(new Regex("invalid"));

            // A tiny run: its loss curve gains points while it runs, then it completes with snapshots.
            await runForm.Locator("input[name=maxSteps]").FillAsync("20");
            await runForm.Locator("input[name=seed]").FillAsync("5");
            await runForm.Locator("textarea[name=hyperparameters]").FillAsync("generator_width=8\ndiscriminator_width=8\nlatent_size=16\nbatch_size=16");
            await runForm.GetByRole(AriaRole.Button, new() { Name = "Start run" }).ClickAsync();
            await Expect(page.Locator("#banner")).ToContainTextAsync("started run");
            var detail = page.Locator("#run-detail");
            await Expect(detail).ToBeVisibleAsync();
            var runId = await detail.GetAttributeAsync("data-run-id");
            var chart = page.Locator("#loss-chart");
            await Expect(chart).Not.ToHaveAttributeAsync("data-points", "0", new() { Timeout = LongWait });
            var firstPoints = int.Parse((await chart.GetAttributeAsync("data-points"))!);
            await Expect(detail.Locator("[data-run-status]")).ToHaveTextAsync("completed", new() { Timeout = LongWait });
            var lastPoints = int.Parse((await chart.GetAttributeAsync("data-points"))!);
            output.WriteLine($"loss chart: {firstPoints} points at first sight, {lastPoints} at completion");
            Assert.True(lastPoints > firstPoints, $"The loss curve gained no points after the first ({firstPoints}) while the run went on.");
            await Expect(page.Locator("#snapshots img").First).ToBeVisibleAsync();
            var runRow = page.Locator($"#runs-table tbody tr[data-id='{runId}']");
            await Expect(runRow).ToContainTextAsync("completed");
            await Expect(runRow).ToContainTextAsync("20 / 20");
            var shortModelId = (await runRow.Locator("td").Last.InnerTextAsync()).Trim();
            Assert.Matches("^[0-9a-f]{8}$", shortModelId);
            await ScreenshotAsync(page, "dashboard-run");

            // Models, and the leaderboard once the automatic evaluation is in: scores with their baselines, sortable.
            await page.GetByRole(AriaRole.Button, new() { Name = "Models & leaderboard" }).ClickAsync();
            await Expect(page.Locator("#models-table tbody")).ToContainTextAsync(shortModelId);
            await page.Locator("#leaderboard-dataset").SelectOptionAsync(datasetId!);
            var leaderboardRow = page.Locator("#leaderboard-table tbody tr", new() { HasText = shortModelId });
            await RetryUntilVisibleAsync(leaderboardRow, () => page.Locator("[data-refresh=models]").ClickAsync(), TimeSpan.FromSeconds(90));
            var fd = page.Locator("#leaderboard-table th[data-key=fd]");
            await Expect(fd).ToBeVisibleAsync();
            await Expect(leaderboardRow.Locator(".baseline").First).ToContainTextAsync(":");
            await fd.ClickAsync();
            await Expect(page.Locator("#leaderboard-table th[data-key=fd]")).ToHaveClassAsync("sorted-asc");
            await ScreenshotAsync(page, "dashboard-leaderboard");

            // Generation: pick the model, ask for 4 images, see the grid and each image.
            await page.GetByRole(AriaRole.Button, new() { Name = "Generate" }).First.ClickAsync();
            var generate = page.Locator("#generate-form");
            var option = generate.Locator("#generate-model option", new() { HasText = shortModelId });
            await Expect(option).ToHaveCountAsync(1);
            await generate.Locator("#generate-model").SelectOptionAsync((await option.GetAttributeAsync("value"))!);
            await generate.Locator("input[name=count]").FillAsync("4");
            await RetryUntilVisibleAsync(page.Locator("#generated-grid"), () => generate.GetByRole(AriaRole.Button, new() { Name = "Generate" }).ClickAsync(), TimeSpan.FromSeconds(30));
            await ExpectLoadedImageAsync(page.Locator("#generated-grid"));
            await Expect(page.Locator("#generated-images img")).ToHaveCountAsync(4);
            await ScreenshotAsync(page, "dashboard-generate");

            Assert.Empty(scriptErrors);
        }
        catch
        {
            await ScreenshotAsync(page, "dashboard-failure");
            output.WriteLine("script errors: " + string.Join(" | ", scriptErrors));
            throw;
        }
    }

    /// <summary>Clicks (again) until the locator shows: the generator and the evaluator learn of a new model from its event.</summary>
    private static async Task RetryUntilVisibleAsync(ILocator target, Func<Task> click, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            await click();
            try
            {
                await Expect(target).ToBeVisibleAsync(new() { Timeout = 2_000 });
                return;
            }
            catch (PlaywrightException) when (DateTime.UtcNow < deadline)
            {
            }
        }
    }

    private static async Task ExpectLoadedImageAsync(ILocator image)
    {
        await Expect(image).ToBeVisibleAsync();
        await Expect(image).ToHaveJSPropertyAsync("complete", true);
        var width = await image.EvaluateAsync<int>("img => img.naturalWidth");
        Assert.True(width > 0, "The image did not decode.");
    }

    private async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ArtifactFolder);
        var path = Path.Combine(ArtifactFolder, $"{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
    }
}
