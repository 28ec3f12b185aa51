using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Data;
using Tessera.Data.Migrations;
using Tessera.Jobs.Http;
using Tessera.Jobs.Kinds;
using Tessera.Jobs.Storage;
using Tessera.Jobs.Workers;

namespace Tessera.Jobs;

/// <summary>Registers the job engine: tables, services, the built-in kinds, and (on request) workers.</summary>
public static class JobsModule
{
    public static MigrationSet Migrations { get; } = MigrationSet.FromAssembly("jobs", typeof(JobsModule).Assembly);

    /// <summary>Every process needs this (server, worker, CLI): the jobs tables and the service to enqueue and read jobs.</summary>
    public static IServiceCollection AddTesseraJobs(this IServiceCollection services)
    {
        services.AddSingleton(Migrations);
        services.AddSingleton(sp => JobsOptions.From(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<JobWakeups>();
        services.AddSingleton<JobStreamSlots>();
        services.AddSingleton(sp => new RetryBackoff(Random.Shared, sp.GetRequiredService<JobsOptions>()));
        services.AddSingleton<JobHandlerRegistry>();
        services.AddSingleton<JobWrites>();
        services.AddSingleton<JobTransitions>();
        services.AddSingleton<JobInserter>();
        services.AddSingleton<JobClaims>();
        services.AddSingleton<JobLeases>();
        services.AddSingleton<JobRunner>();
        services.AddSingleton<JobQueueStatistics>();
        services.AddSingleton(sp => new JobService(
            sp.GetRequiredService<TesseraDatabase>(), sp.GetRequiredService<JobWrites>(), sp.GetRequiredService<JobInserter>(), sp.GetRequiredService<JobTransitions>(),
            sp.GetRequiredService<JobWakeups>(), sp.GetRequiredService<TimeProvider>()));
        services.AddJobHandler<NoopJobHandler>();
        services.AddJobHandler<CountJobHandler>();
        services.AddJobHandler<EchoJobHandler>();
        services.AddJobHandler<FanOutJobHandler>();
        return services;
    }

    /// <summary>Registers a handler: workers in this process can run its kind, and jobs of it can be enqueued here.</summary>
    public static IServiceCollection AddJobHandler<THandler>(this IServiceCollection services)
        where THandler : class, IJobHandler => services.AddSingleton<IJobHandler, THandler>();

    /// <summary>
    /// Runs a one-slot worker over <paramref name="services"/> that claims none but <paramref name="jobs"/>, until
    /// <paramref name="stopping"/> is cancelled: for a CLI verb that enqueues a job and waits for it without a server (the
    /// job still goes through the queue, its lease and events). It must not take (and drop, when it exits) a job that
    /// another process enqueued.
    /// </summary>
    public static Task RunJobsAsync(IServiceProvider services, IReadOnlyCollection<Guid> jobs, CancellationToken stopping) =>
        ActivatorUtilities.CreateInstance<JobWorker>(services, new JobWorkerSettings(1, null, jobs)).RunAsync(stopping);

    /// <summary>Runs a worker with <paramref name="concurrency"/> slots in this process, for the kinds given (null: all it has handlers for).</summary>
    public static IServiceCollection AddJobWorkers(this IServiceCollection services, int concurrency, IReadOnlyCollection<string>? kinds = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        services.AddSingleton(new JobWorkerSettings(concurrency, kinds));
        services.AddSingleton<JobWorker>();
        services.AddHostedService<JobWorkerService>();
        return services;
    }
}
