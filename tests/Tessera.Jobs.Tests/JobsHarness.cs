using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Data.Migrations;
using Tessera.Jobs.Storage;
using Tessera.Jobs.Workers;
using Tessera.Server.Hosting;
using Tessera.Testing;

namespace Tessera.Jobs.Tests;

/// <summary>The services every Tessera process composes, over a migrated scratch database, with short leases.</summary>
internal sealed class JobsHarness : IAsyncDisposable
{
    public static readonly JobOwner Alice = new(Guid.Parse("00000000-0000-0000-0000-00000000a11c"), Guid.Parse("00000000-0000-0000-0000-0000000000a1"));
    public static readonly JobOwner Bob = new(Guid.Parse("00000000-0000-0000-0000-000000000b0b"), Guid.Parse("00000000-0000-0000-0000-0000000000b1"));

    private readonly ServiceProvider _services;

    private JobsHarness(ScratchDatabase scratch, ServiceProvider services)
    {
        Scratch = scratch;
        _services = services;
    }

    public ScratchDatabase Scratch { get; }
    public IServiceProvider Services => _services;
    public JobService Jobs => _services.GetRequiredService<JobService>();

    /// <summary>Short leases and fast heartbeats so lease expiry and cancellation show within a test.</summary>
    public static Dictionary<string, string?> FastSettings() => new()
    {
        ["jobs:lease_seconds"] = "2",
        ["jobs:heartbeat_ms"] = "250",
        ["jobs:poll_ms"] = "200",
        ["jobs:backoff_base_ms"] = "50",
    };

    public static async Task<JobsHarness> CreateAsync(
        string dialect, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var scratch = await ScratchDatabase.CreateAsync(dialect);
        var values = FastSettings();
        values["data_dir"] = scratch.DataDir;
        values["database"] = scratch.Target;
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) values[key] = value;

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services.AddLogging();
        services.AddTesseraCore();
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<MigrationRunner>().MigrateAsync();
        return new JobsHarness(scratch, provider);
    }

    /// <summary>A worker of this process; run it with <see cref="JobWorker.RunAsync"/> and stop it through the token.</summary>
    public JobWorker NewWorker(int concurrency = 4, IReadOnlyCollection<string>? kinds = null) =>
        ActivatorUtilities.CreateInstance<JobWorker>(_services, new JobWorkerSettings(concurrency, kinds));

    public JobClaims Claims => _services.GetRequiredService<JobClaims>();
    public JobLeases Leases => _services.GetRequiredService<JobLeases>();

    /// <summary>Polls until <paramref name="done"/> holds for the job, or fails after <paramref name="timeout"/>.</summary>
    public async Task<JobInfo> WaitForAsync(Guid id, Func<JobInfo, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var job = await Jobs.GetAsync(JobScope.Operator, id);
            if (done(job)) return job;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Job {id} is still {job.State.Name()} after the timeout.");
            await Task.Delay(50);
        }
    }

    public Task<JobInfo> WaitForTerminalAsync(Guid id, TimeSpan? timeout = null) => WaitForAsync(id, j => j.State.IsTerminal(), timeout);

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Scratch.DisposeAsync();
    }
}

/// <summary>Runs a worker in the background for the length of a using block.</summary>
internal sealed class RunningWorker : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;

    public RunningWorker(JobWorker worker)
    {
        Worker = worker;
        _run = Task.Run(() => worker.RunAsync(_stop.Token));
    }

    public JobWorker Worker { get; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        _stop.Dispose();
    }
}
