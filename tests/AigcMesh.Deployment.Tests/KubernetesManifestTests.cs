using System.Text.Json.Nodes;

namespace AigcMesh.Deployment.Tests;

public sealed class The_kubernetes_manifests
{
    private static readonly string K8s = RepoRoot.Combine("deploy", "k8s");
    private static readonly string[] Services = ["gateway", "dataset", "trainer", "generator", "evaluator"];
    private readonly ManifestValidator validator = new(Path.Combine(K8s, "schemas"));

    private static IReadOnlyList<string> Resources()
    {
        var kustomization = ManifestValidator.Load(Path.Combine(K8s, "kustomization.yaml")).Single();
        return kustomization.Json["resources"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();
    }

    private static IReadOnlyList<ManifestValidator.Document> All() =>
        Resources().SelectMany(r => ManifestValidator.Load(Path.Combine(K8s, r))).ToList();

    [Fact]
    public void Kustomization_matches_its_schema_and_lists_every_manifest_file()
    {
        var kustomization = ManifestValidator.Load(Path.Combine(K8s, "kustomization.yaml")).Single();
        Assert.Empty(validator.Validate(kustomization));
        var files = Directory.GetFiles(K8s, "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml").Order();
        Assert.Equal(files, Resources().Order());
    }

    [Fact]
    public void Every_manifest_matches_its_schema()
    {
        var documents = All();
        Assert.True(documents.Count >= 15, $"only {documents.Count} documents");
        var problems = documents.SelectMany(d => validator.Validate(d).Select(p => $"{d}: {p}")).ToList();
        Assert.True(problems.Count == 0, ManifestValidator.Describe(problems));
    }

    [Theory]
    [InlineData("apps/v1", "Deployment", "spec:\n  replica: 1\n  selector: {}\n  template: {}")]
    [InlineData("apps/v1", "Deployment", "spec:\n  replicas: many")]
    [InlineData("v1", "Service", "spec:\n  ports:\n    - port: 8080\n      targetport: http")]
    [InlineData("keda.sh/v1alpha1", "ScaledObject", "spec:\n  scaleTargetRef: {name: trainer}\n  maxReplicas: 3\n  triggers: [{type: rabbitmq, metadata: {queueName: q}}]")]
    [InlineData("keda.sh/v1alpha1", "ScaledObject", "spec:\n  scaleTargetRef: {name: trainer}\n  triggers: [{type: rabbitmq, metadata: {value: 1}}]")]
    [InlineData("rabbitmq.com/v1beta1", "RabbitmqCluster", "spec:\n  replicas: 1\n  rabbitmq:\n    additionalConfig: 1\n")]
    [InlineData("example.com/v1", "Unknown", "spec: {}")]
    public void Reject_a_document_with_a_misspelled_field_a_wrong_type_or_an_unknown_kind(string apiVersion, string kind, string body)
    {
        var yaml = $"apiVersion: {apiVersion}\nkind: {kind}\nmetadata:\n  name: x\n{body}\n";
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, yaml);
            var document = ManifestValidator.Load(file).Single();
            Assert.NotEmpty(validator.Validate(document));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Run_every_service_as_a_deployment_with_a_service_whose_selector_matches_its_pods()
    {
        var documents = All();
        foreach (var name in Services)
        {
            var deployment = documents.Single(d => d.Kind == "Deployment" && d.Name == name).Json;
            var service = documents.Single(d => d.Kind == "Service" && d.Name == name).Json;
            var podLabels = deployment["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
            foreach (var (key, value) in service["spec"]!["selector"]!.AsObject())
            {
                Assert.Equal(value!.GetValue<string>(), podLabels[key]!.GetValue<string>());
            }
            var container = Assert.Single(deployment["spec"]!["template"]!["spec"]!["containers"]!.AsArray())!;
            Assert.Equal($"aigcmesh/{name}", container["image"]!.GetValue<string>());
            Assert.Equal("/health/ready", container["readinessProbe"]!["httpGet"]!["path"]!.GetValue<string>());
            Assert.Equal("/health/live", container["livenessProbe"]!["httpGet"]!["path"]!.GetValue<string>());
            Assert.True(deployment["spec"]!["template"]!["spec"]!["securityContext"]!["runAsNonRoot"]!.GetValue<bool>());
        }
    }

    [Fact]
    public void Request_a_gpu_for_trainers_and_generators_only()
    {
        foreach (var deployment in All().Where(d => d.Kind == "Deployment"))
        {
            var container = deployment.Json["spec"]!["template"]!["spec"]!["containers"]![0]!;
            var gpus = container["resources"]?["limits"]?["nvidia.com/gpu"];
            if (deployment.Name is "trainer" or "generator")
            {
                Assert.Equal(1, gpus!.GetValue<long>());
            }
            else
            {
                Assert.Null(gpus);
            }
        }
    }

    [Fact]
    public void Scale_trainers_with_keda_on_the_depth_of_the_start_training_queue()
    {
        var documents = All();
        var scaled = documents.Single(d => d.Kind == "ScaledObject").Json;
        Assert.Equal("trainer", scaled["spec"]!["scaleTargetRef"]!["name"]!.GetValue<string>());
        Assert.True(scaled["spec"]!["minReplicaCount"]!.GetValue<long>() >= 1, "the trainer also serves /api/runs: keep one");
        var trigger = Assert.Single(scaled["spec"]!["triggers"]!.AsArray())!;
        Assert.Equal("rabbitmq", trigger["type"]!.GetValue<string>());
        Assert.Equal("start-training", trigger["metadata"]!["queueName"]!.GetValue<string>());
        var auth = documents.Single(d => d.Kind == "TriggerAuthentication" && d.Name == trigger["authenticationRef"]!["name"]!.GetValue<string>());
        foreach (var reference in auth.Json["spec"]!["secretTargetRef"]!.AsArray())
        {
            var secret = documents.Single(d => d.Kind == "Secret" && d.Name == reference!["name"]!.GetValue<string>());
            Assert.NotNull(secret.Json["stringData"]![reference!["key"]!.GetValue<string>()]);
        }
        Assert.Single(documents, d => d.Kind == "RabbitmqCluster");
        Assert.Contains("consumer_timeout", documents.Single(d => d.Kind == "RabbitmqCluster").Json["spec"]!["rabbitmq"]!["additionalConfig"]!.GetValue<string>());
    }

    /// <summary>
    /// The trainer's host stops within its shutdown timeout (.NET's default, 30 s), of which it gives its runs up to
    /// 20 s to finish the step, checkpoint and go back to the queue (RunHost.StoppingAsync). A pod that KEDA scales
    /// down must get that whole time after SIGTERM, and a margin for writing the checkpoint and publishing.
    /// </summary>
    public const int TrainerShutdownSeconds = 30;

    [Fact]
    public void Give_a_trainer_that_is_scaled_down_the_time_to_checkpoint_and_hand_its_run_back()
    {
        var pod = All().Single(d => d.Kind == "Deployment" && d.Name == "trainer").Json["spec"]!["template"]!["spec"]!;
        var grace = pod["terminationGracePeriodSeconds"]!.GetValue<long>();
        // A preStop hook runs before SIGTERM and spends the same grace period.
        var preStop = pod["containers"]![0]!["lifecycle"]?["preStop"];
        var preStopSeconds = preStop?["sleep"]?["seconds"]?.GetValue<long>() ?? 0;
        Assert.True(preStop is null || preStop["sleep"] is not null, "a preStop other than a sleep has no known length");
        Assert.True(grace - preStopSeconds >= 2 * TrainerShutdownSeconds,
            $"terminationGracePeriodSeconds {grace} (preStop {preStopSeconds} s) leaves the trainer less than {2 * TrainerShutdownSeconds} s after SIGTERM");
    }

    [Fact]
    public void Scale_trainers_down_slowly_and_one_pod_at_a_time()
    {
        var spec = All().Single(d => d.Kind == "ScaledObject" && d.Name == "trainer").Json["spec"]!;
        // cooldownPeriod only governs the last replica (scale to zero); between 1 and N the HPA's behavior decides.
        Assert.True(spec["cooldownPeriod"]!.GetValue<long>() >= 300);
        var scaleDown = spec["advanced"]!["horizontalPodAutoscalerConfig"]!["behavior"]!["scaleDown"]!;
        Assert.True(scaleDown["stabilizationWindowSeconds"]!.GetValue<long>() >= 300,
            "a queue that empties for a moment (runs just taken) must not remove trainers at once");
        var policies = scaleDown["policies"]!.AsArray();
        Assert.NotEmpty(policies);
        foreach (var policy in policies)
        {
            Assert.Equal("Pods", policy!["type"]!.GetValue<string>());
            Assert.Equal(1, policy["value"]!.GetValue<long>());
            Assert.True(policy["periodSeconds"]!.GetValue<long>() >= 2 * TrainerShutdownSeconds,
                "the next trainer goes only after the last one has handed its run back");
        }
    }

    [Fact]
    public void Refer_only_to_claims_config_maps_and_secrets_that_exist()
    {
        var documents = All();
        bool Exists(string kind, string name) => documents.Any(d => d.Kind == kind && d.Name == name);
        foreach (var deployment in documents.Where(d => d.Kind == "Deployment"))
        {
            var pod = deployment.Json["spec"]!["template"]!["spec"]!;
            foreach (var volume in pod["volumes"]?.AsArray() ?? [])
            {
                var claim = volume!["persistentVolumeClaim"]?["claimName"]?.GetValue<string>();
                Assert.True(claim is null || Exists("PersistentVolumeClaim", claim), $"{deployment}: claim {claim}");
            }
            foreach (var source in pod["containers"]!.AsArray().SelectMany(c => c!["envFrom"]?.AsArray() ?? []))
            {
                if (source!["configMapRef"] is JsonNode map) Assert.True(Exists("ConfigMap", map["name"]!.GetValue<string>()), $"{deployment}: {map}");
                if (source["secretRef"] is JsonNode secret) Assert.True(Exists("Secret", secret["name"]!.GetValue<string>()), $"{deployment}: {secret}");
            }
            // A Secret the operator creates (the gateway's API key) is referred to as optional.
            foreach (var reference in pod["containers"]!.AsArray().SelectMany(c => c!["env"]?.AsArray() ?? []).Select(e => e!["valueFrom"]?["secretKeyRef"]).OfType<JsonNode>())
            {
                Assert.True(Exists("Secret", reference["name"]!.GetValue<string>()) || reference["optional"]?.GetValue<bool>() == true, $"{deployment}: {reference}");
            }
        }
    }
}
