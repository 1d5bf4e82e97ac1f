using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using AigcMesh.Embedded;
using AigcMesh.Testing;

namespace AigcMesh.Benchmarks.Gateway;

/// <summary>
/// "gateway" (issue 7): requests/s and p99 latency of a small authenticated GET (/api/generations/models) through the
/// gateway against the same request sent straight to the service, both measured with wrk (Debian's package) in the same
/// run, in alternating rounds. Goal: gateway throughput ≥ 0.7 of direct. The embedded mesh serves both: the gateway and
/// the services share this process (as in the embedded default), so the gateway's CPU cost is counted in full.
/// Per-request log lines are off unless --request-logs (they would measure the console, not the proxy).
/// </summary>
public sealed partial class GatewayThroughputBenchmark : IBenchmark
{
    private const string ApiKey = "amk_gateway_benchmark";

    /// <summary>Warm-up goes on while a pair of rounds still makes the JIT compile more methods than this...</summary>
    private const int WarmJitMethods = 25;

    /// <summary>...for at most this long.</summary>
    private static readonly TimeSpan MaxWarmUp = TimeSpan.FromSeconds(60);

    public string Name => "gateway";
    public string Description => "Gateway: wrk requests/s and p99 of an authenticated small GET through the gateway vs straight to the service (goal ratio ≥ 0.7).";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        MachineInfo.PrintHeader(Name);
        var seconds = (int)ArgValue(args, "--seconds", 8);
        var connections = (int)ArgValue(args, "--connections", 32);
        var threads = (int)ArgValue(args, "--threads", 2);
        var rounds = (int)ArgValue(args, "--rounds", 4);
        var path = args.SkipWhile(a => a != "--path").Skip(1).FirstOrDefault() ?? "/api/generations/models";
        var requestLogs = args.Contains("--request-logs");
        var wrk = Environment.GetEnvironmentVariable("WRK") ?? "wrk";
        Console.WriteLine($"settings: wrk -t{threads} -c{connections} -d{seconds}s --latency, GET {path} with X-Api-Key, {rounds} rounds each in ABBA order, request logs {(requestLogs ? "on" : "off")}");

        using var data = new TempDirectory();
        var settings = new Dictionary<string, string?>
        {
            ["Embedded:DataDirectory"] = data.Path,
            ["Embedded:GatewayUrl"] = "http://127.0.0.1:0",
            ["Embedded:BackendUrl"] = "http://127.0.0.1:0",
            ["Gateway:ApiKeys:0:Name"] = "benchmark",
            ["Gateway:ApiKeys:0:Hash"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ApiKey))),
            ["Gateway:ApiKeys:0:Scope"] = "Read",
            // The per-key rate limit would cap the gateway long before the proxy does.
            ["Gateway:ApiKeys:0:PermitsPerWindow"] = "100000000",
            ["Evaluator:AutoEvaluate"] = "false",
        };
        if (!requestLogs) settings["Serilog:MinimumLevel:Override:Serilog.AspNetCore.RequestLoggingMiddleware"] = "Warning";
        await using var mesh = await EmbeddedMesh.StartAsync([], settings, cancellationToken);

        var direct = new Uri(mesh.BackendAddress, path);
        var gateway = new Uri(mesh.GatewayAddress, path);
        using (var http = new HttpClient())
        {
            foreach (var url in new[] { direct, gateway })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Add("X-Api-Key", ApiKey);
                using var response = await http.SendAsync(request, cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                Console.WriteLine($"check {url}: {(int)response.StatusCode}, {body.Length} bytes");
                if (!response.IsSuccessStatusCode) return 1;
            }
        }

        // Warm both paths (tiered JIT, thread pool, connection pools) until the JIT has settled: on a busy machine its
        // background tier-up can take far longer than a fixed warm-up, and code left at tier 0 costs the path with more
        // code (the gateway's) more. Then alternate in ABBA order so that load from elsewhere hurts both alike.
        var warmUp = Stopwatch.StartNew();
        long jitted;
        var pairs = 0;
        do
        {
            jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
            await WrkAsync(wrk, direct, pairs == 0 ? 5 : 3, threads, connections, cancellationToken);
            await WrkAsync(wrk, gateway, pairs == 0 ? 5 : 3, threads, connections, cancellationToken);
            pairs++;
        }
        while ((System.Runtime.JitInfo.GetCompiledMethodCount() - jitted > WarmJitMethods || pairs < 2) && warmUp.Elapsed < MaxWarmUp);
        Console.WriteLine($"warm-up: {pairs} pairs of rounds, {warmUp.Elapsed.TotalSeconds:F0} s, last pair compiled {System.Runtime.JitInfo.GetCompiledMethodCount() - jitted} methods");
        var results = new List<(string Path, WrkResult Result)>();
        for (var round = 0; round < rounds; round++)
        {
            var order = new[] { ("direct", direct), ("gateway", gateway) };
            foreach (var (name, url) in round % 2 == 0 ? order : order.Reverse())
            {
                var result = await WrkAsync(wrk, url, seconds, threads, connections, cancellationToken);
                results.Add((name, result));
                Console.WriteLine($"round {round + 1} {name,-8} {result.RequestsPerSecond,10:F0} req/s  p50 {result.P50Ms,7:F2} ms  p99 {result.P99Ms,7:F2} ms  CPU {result.CpuUsPerRequest,5:F0} us/request  non-2xx {result.Errors}");
            }
        }

        var best = results.GroupBy(r => r.Path).ToDictionary(g => g.Key, g => g.MaxBy(r => r.Result.RequestsPerSecond).Result);
        var median = results.GroupBy(r => r.Path).ToDictionary(g => g.Key, g => BenchStats.Median(g.Select(r => r.Result.RequestsPerSecond)));
        var ratio = best["gateway"].RequestsPerSecond / best["direct"].RequestsPerSecond;
        Console.WriteLine();
        Console.WriteLine($"direct : {best["direct"].RequestsPerSecond:F0} req/s (best round), p99 {best["direct"].P99Ms:F2} ms");
        Console.WriteLine($"gateway: {best["gateway"].RequestsPerSecond:F0} req/s (best round), p99 {best["gateway"].P99Ms:F2} ms");
        Console.WriteLine($"ratio gateway/direct throughput: {ratio:F2} (best rounds), {median["gateway"] / median["direct"]:F2} (medians); goal >= 0.7: {(ratio >= 0.7 ? "met" : "NOT met")}");
        Console.WriteLine($"p50: direct {best["direct"].P50Ms:F2} ms, gateway {best["gateway"].P50Ms:F2} ms");
        Console.WriteLine($"p99 added by the gateway: {best["gateway"].P99Ms - best["direct"].P99Ms:F2} ms");
        var cpu = results.GroupBy(r => r.Path).ToDictionary(g => g.Key, g => BenchStats.Median(g.Select(r => r.Result.CpuUsPerRequest)));
        Console.WriteLine($"CPU per request in this process (medians): direct {cpu["direct"]:F0} us, gateway {cpu["gateway"]:F0} us (the gateway's own share {cpu["gateway"] - cpu["direct"]:F0} us; direct/gateway {cpu["direct"] / cpu["gateway"]:F2}, the throughput ratio if this process alone were CPU-bound)");
        return results.Any(r => r.Result.Errors > 0) ? 1 : 0;
    }

    /// <param name="CpuUsPerRequest">CPU time this process (gateway and services) spent per request, in microseconds:
    /// unlike requests/s it hardly moves with the load other processes put on the machine.</param>
    private sealed record WrkResult(double RequestsPerSecond, double P50Ms, double P99Ms, long Errors, double CpuUsPerRequest);

    private static async Task<WrkResult> WrkAsync(string wrk, Uri url, int seconds, int threads, int connections, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(wrk) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { $"-t{threads}", $"-c{connections}", $"-d{seconds}s", "--latency", "-H", $"X-Api-Key: {ApiKey}", url.ToString() }) start.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("wrk is not installed (apt-get install -y wrk), or set WRK to its path.", e);
        }
        using (process)
        {
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = await process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0) throw new InvalidOperationException($"wrk failed ({process.ExitCode}): {error}{output}");
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            var requests = long.Parse(Requests().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
            var rps = double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
            var errors = NonSuccess().Match(output) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
            return new WrkResult(rps, Percentile(output, "50"), Percentile(output, "99"), errors, cpu.TotalMicroseconds / Math.Max(1, requests));
        }
    }

    /// <summary>A latency percentile line of wrk --latency ("     99%    3.21ms"), in milliseconds.</summary>
    private static double Percentile(string output, string percent)
    {
        var match = Regex.Match(output, $@"^\s+{percent}(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        if (!match.Success) throw new InvalidOperationException($"No {percent}% line in wrk's output:\n{output}");
        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
    }

    private static double ArgValue(string[] args, string name, double fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"(\d+) requests in ")]
    private static partial Regex Requests();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();
}
