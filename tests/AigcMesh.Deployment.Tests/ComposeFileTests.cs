using System.Text.Json.Nodes;
using AigcMesh.Testing;

namespace AigcMesh.Deployment.Tests;

public sealed class The_compose_files
{
    private static readonly string[] BackendServices = ["dataset", "trainer", "generator", "evaluator"];

    [Fact]
    public void Pass_docker_compose_config_validation()
    {
        var result = ComposeCli.Run("-f", "docker-compose.yml", "config", "-q");
        Assert.True(result.ExitCode == 0, result.Error);
    }

    [Fact]
    public void Pass_docker_compose_config_validation_with_the_gpu_override()
    {
        var result = ComposeCli.Run("-f", "docker-compose.yml", "-f", "docker-compose.gpu.yml", "config", "-q");
        Assert.True(result.ExitCode == 0, result.Error);
    }

    [Fact]
    public void Fail_validation_when_a_service_has_an_unknown_key()
    {
        // The validator really rejects a broken file: the same file with one misspelled key.
        using var temp = new TempDirectory();
        var broken = Path.Combine(temp.Path, "docker-compose.yml");
        File.WriteAllText(broken, File.ReadAllText(RepoRoot.Combine("docker-compose.yml"))
            .Replace("    healthcheck: *service-healthcheck\n    depends_on: *depends-on-broker\n    stop_grace_period", "    healthchek: *service-healthcheck\n    depends_on: *depends-on-broker\n    stop_grace_period"));
        var result = ComposeCli.Run("-f", broken, "--project-directory", RepoRoot.Path, "config", "-q");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("healthchek", result.Error);
    }

    [Fact]
    public void Let_trainers_scale_they_have_no_container_name_and_no_published_port()
    {
        var trainer = Resolved()["services"]!["trainer"]!.AsObject();
        Assert.False(trainer.ContainsKey("container_name"));
        Assert.False(trainer.ContainsKey("ports"));
    }

    [Fact]
    public void Publish_only_the_gateway_and_the_broker_ui_on_loopback()
    {
        var services = Resolved()["services"]!.AsObject();
        var published = services.Where(s => s.Value!.AsObject().ContainsKey("ports")).Select(s => s.Key).Order().ToArray();
        Assert.Equal(["gateway", "rabbitmq"], published);
        Assert.Equal((null, "8080"), Port(Single(services["gateway"]!["ports"]!.AsArray())));
        Assert.Equal(("127.0.0.1", "15672"), Port(Single(services["rabbitmq"]!["ports"]!.AsArray())));
    }

    [Fact]
    public void Configure_every_backend_service_from_the_environment_with_its_own_database_volume_and_the_shared_artifacts()
    {
        var config = Resolved();
        foreach (var name in BackendServices)
        {
            var service = config["services"]![name]!;
            var environment = service["environment"]!;
            Assert.Equal("RabbitMq", environment["Messaging__Transport"]!.GetValue<string>());
            Assert.StartsWith("amqp://", environment["Messaging__RabbitMqUrl"]!.GetValue<string>());
            Assert.Contains("@rabbitmq:5672", environment["Messaging__RabbitMqUrl"]!.GetValue<string>());
            Assert.Equal("/data/service", environment["Storage__DataDirectory"]!.GetValue<string>());
            Assert.Equal("/data/artifacts", environment["Storage__ArtifactDirectory"]!.GetValue<string>());
            var volumes = service["volumes"]!.AsArray().Select(Volume).ToArray();
            Assert.Contains(($"{name}-data", "/data/service"), volumes);
            Assert.Contains(("artifacts", "/data/artifacts"), volumes);
            Assert.Equal("service_healthy", service["depends_on"]!["rabbitmq"]!["condition"]!.GetValue<string>());
            Assert.NotNull(service["healthcheck"]);
        }
        var gateway = config["services"]!["gateway"]!["environment"]!;
        foreach (var name in BackendServices)
        {
            Assert.Equal($"http://{name}:8080/", gateway[$"ReverseProxy__Clusters__{name}__Destinations__d1__Address"]!.GetValue<string>());
        }
        Assert.Equal("Write", gateway["Gateway__ApiKeys__0__Scope"]!.GetValue<string>());
        Assert.NotNull(gateway["Gateway__ApiKeys__0__Hash"]);
    }

    [Fact]
    public void Give_rabbitmq_a_health_check_the_management_ui_and_a_long_consumer_timeout()
    {
        var rabbitmq = Resolved()["services"]!["rabbitmq"]!;
        Assert.Contains("management", rabbitmq["image"]!.GetValue<string>());
        Assert.NotNull(rabbitmq["healthcheck"]!["test"]);
        var conf = rabbitmq["volumes"]!.AsArray().Select(Volume).Single(v => v.Target.StartsWith("/etc/rabbitmq/", StringComparison.Ordinal));
        var text = File.ReadAllText(conf.Source);
        var timeout = text.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("consumer_timeout", StringComparison.Ordinal));
        Assert.True(long.Parse(timeout.Split('=')[1].Trim()) >= TimeSpan.FromHours(12).TotalMilliseconds, timeout);
    }

    [Fact]
    public void With_the_gpu_override_build_cuda_images_and_reserve_an_nvidia_gpu_for_trainers_and_generators_only()
    {
        var services = Resolved("docker-compose.gpu.yml")["services"]!.AsObject();
        foreach (var (name, service) in services)
        {
            var devices = service!["deploy"]?["resources"]?["reservations"]?["devices"]?.AsArray();
            if (name is "trainer" or "generator")
            {
                var device = Single(devices!)!;
                Assert.Equal("nvidia", device["driver"]!.GetValue<string>());
                Assert.Contains("gpu", device["capabilities"]!.AsArray().Select(c => c!.GetValue<string>()));
                Assert.Equal("cuda", service["build"]!["args"]!["TORCH_DEVICE"]!.GetValue<string>());
            }
            else
            {
                Assert.Null(devices);
            }
        }
        var cpu = Resolved()["services"]!["trainer"]!;
        Assert.Equal("cpu", cpu["build"]!["args"]!["TORCH_DEVICE"]!.GetValue<string>());
        Assert.Null(cpu["deploy"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("docker-compose.gpu.yml")]
    public void Give_trainers_a_stop_grace_period_long_enough_to_checkpoint_and_hand_their_runs_back(string? overrideFile)
    {
        // docker stops a container with SIGTERM, then SIGKILL after stop_grace_period (default 10 s): less than the
        // trainer's own shutdown, in which its runs checkpoint and go back to the queue.
        var trainer = Resolved(overrideFile is null ? [] : [overrideFile])["services"]!["trainer"]!;
        var grace = Duration(trainer["stop_grace_period"]!.GetValue<string>());
        Assert.True(grace >= TimeSpan.FromSeconds(2 * The_kubernetes_manifests.TrainerShutdownSeconds), $"stop_grace_period {grace}");
    }

    [Fact]
    public void Pass_docker_compose_config_validation_with_the_podman_override_which_changes_only_the_broker_image()
    {
        var plain = Resolved();
        var podman = Resolved("deploy/podman/docker-compose.podman.yml");
        Assert.StartsWith("localhost/aigcmesh-standin/rabbitmq:", podman["services"]!["rabbitmq"]!["image"]!.GetValue<string>());
        podman["services"]!["rabbitmq"]!["image"] = plain["services"]!["rabbitmq"]!["image"]!.GetValue<string>();
        // With an override file docker-compose lists a service's volumes in another order.
        Assert.Equal(VolumesSorted(plain).ToJsonString(), VolumesSorted(podman).ToJsonString());
    }

    private static JsonNode VolumesSorted(JsonNode config)
    {
        foreach (var (_, service) in config["services"]!.AsObject())
        {
            if (service!["volumes"] is JsonArray volumes)
            {
                service["volumes"] = new JsonArray([.. volumes.Select(v => v!.DeepClone()).OrderBy(v => v.ToJsonString(), StringComparer.Ordinal)]);
            }
        }
        return config;
    }

    /// <summary>A compose duration: "90s", "1m30s", "2m", "1h".</summary>
    private static TimeSpan Duration(string text)
    {
        var total = TimeSpan.Zero;
        foreach (System.Text.RegularExpressions.Match part in System.Text.RegularExpressions.Regex.Matches(text, @"(\d+(?:\.\d+)?)(ms|us|h|m|s)"))
        {
            var value = double.Parse(part.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            total += part.Groups[2].Value switch
            {
                "h" => TimeSpan.FromHours(value),
                "m" => TimeSpan.FromMinutes(value),
                "s" => TimeSpan.FromSeconds(value),
                "ms" => TimeSpan.FromMilliseconds(value),
                _ => TimeSpan.FromMicroseconds(value),
            };
        }
        return total;
    }

    private static JsonNode Single(JsonArray array) => Assert.Single(array)!;

    /// <summary>A volume entry, short ("source:target[:mode]") or long syntax.</summary>
    private static (string Source, string Target) Volume(JsonNode? entry) => entry is JsonObject o
        ? (o["source"]!.GetValue<string>(), o["target"]!.GetValue<string>())
        : entry!.GetValue<string>().Split(':') is var parts ? (parts[0], parts[1]) : default;

    /// <summary>A published port's host address (null: all) and container port, short or long syntax.</summary>
    private static (string? HostIp, string Target) Port(JsonNode entry)
    {
        if (entry is JsonObject o)
        {
            return (o["host_ip"]?.GetValue<string>(), o["target"]!.ToString());
        }
        var parts = entry.ToString().Split('/')[0].Split(':');
        return parts.Length == 3 ? (parts[0], parts[2]) : (null, parts[^1]);
    }

    /// <summary>The configuration as docker-compose resolves it (anchors, merges, defaults, overrides applied).</summary>
    private static JsonNode Resolved(params string[] overrides)
    {
        var args = new List<string> { "-f", "docker-compose.yml" };
        foreach (var file in overrides)
        {
            args.AddRange(["-f", file]);
        }
        args.Add("config");
        var result = ComposeCli.Run([.. args]);
        Assert.True(result.ExitCode == 0, result.Error);
        return Assert.Single(YamlJson.LoadAll(result.Output))!;
    }
}
