using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Tessera.Chem;

/// <summary>The settings under <c>chem:</c>, bound and validated when the process starts.</summary>
internal sealed class ChemSettings
{
    /// <summary>The Open Babel command line tool (Debian package <c>openbabel</c>); a bare name is looked up on PATH.</summary>
    [ConfigurationKeyName("obabel_path")]
    public string ObabelPath { get; set; } = "obabel";

    /// <summary>How long one obabel call may run before it is killed and its record rejected.</summary>
    [ConfigurationKeyName("obabel_timeout_seconds")]
    [Range(1, 3600, ErrorMessage = "chem:obabel_timeout_seconds must be from 1 to 3600.")]
    public int ObabelTimeoutSeconds { get; set; } = 30;

    /// <summary>Records one uploaded file may hold: each is one obabel call, and all are stored in one transaction.</summary>
    [ConfigurationKeyName("max_records")]
    [Range(1, 100_000, ErrorMessage = "chem:max_records must be from 1 to 100000.")]
    public int MaxRecords { get; set; } = 5_000;

    /// <summary>The AutoDock Vina command line tool (Debian package <c>autodock-vina</c>); a bare name is looked up on PATH.</summary>
    [ConfigurationKeyName("vina_path")]
    public string VinaPath { get; set; } = "vina";

    /// <summary>How long one vina run may take before it is killed and the execution fails.</summary>
    [ConfigurationKeyName("vina_timeout_seconds")]
    [Range(10, 86_400, ErrorMessage = "chem:vina_timeout_seconds must be from 10 to 86400.")]
    public int VinaTimeoutSeconds { get; set; } = 1800;

    /// <summary>How long one preparation step of a docking (obabel: receptor, ligand with --gen3d, pose conversion) may take.</summary>
    [ConfigurationKeyName("docking_prep_timeout_seconds")]
    [Range(1, 3600, ErrorMessage = "chem:docking_prep_timeout_seconds must be from 1 to 3600.")]
    public int DockingPrepTimeoutSeconds { get; set; } = 300;

    /// <summary>Where each docking makes its scratch folder (removed afterwards); empty: the system's temp folder.</summary>
    [ConfigurationKeyName("docking_scratch_dir")]
    public string? DockingScratchDir { get; set; }

    /// <summary>
    /// How old (seconds) a completed execution may be to serve an identical one from the result cache, for task versions
    /// whose cache block names no ttl_seconds; 0: no expiry.
    /// </summary>
    [ConfigurationKeyName("cache_ttl_seconds")]
    [Range(0, int.MaxValue, ErrorMessage = "chem:cache_ttl_seconds must be 0 (no expiry) or more.")]
    public int CacheTtlSeconds { get; set; }
    /// <summary>A task service that has not heartbeated for this long is dead: no execution goes to it and it is dropped.</summary>
    [ConfigurationKeyName("service_heartbeat_timeout_seconds")]
    [Range(2, 3600, ErrorMessage = "chem:service_heartbeat_timeout_seconds must be from 2 to 3600.")]
    public int ServiceHeartbeatTimeoutSeconds { get; set; } = 30;

    /// <summary>How often the server checks each live service's GET {url}/health (a failure drops it) and drops the silent ones.</summary>
    [ConfigurationKeyName("service_health_interval_seconds")]
    [Range(1, 3600, ErrorMessage = "chem:service_health_interval_seconds must be from 1 to 3600.")]
    public int ServiceHealthIntervalSeconds { get; set; } = 10;

    /// <summary>How long one POST {url}/execute may take before the service is taken for dead and the execution retried elsewhere.</summary>
    [ConfigurationKeyName("service_execute_timeout_seconds")]
    [Range(1, 86_400, ErrorMessage = "chem:service_execute_timeout_seconds must be from 1 to 86400.")]
    public int ServiceExecuteTimeoutSeconds { get; set; } = 1800;

    /// <summary>Executions (queued or running) one organization may have at once, unless it set its own; 0: no limit.</summary>
    [ConfigurationKeyName("quota_max_concurrent_executions")]
    [Range(0, long.MaxValue, ErrorMessage = "chem:quota_max_concurrent_executions must be 0 (no limit) or more.")]
    public long QuotaMaxConcurrentExecutions { get; set; }

    /// <summary>CPU seconds one organization's executions may be charged per UTC day, unless it set its own; 0: no limit.</summary>
    [ConfigurationKeyName("quota_cpu_seconds_per_day")]
    [Range(0, long.MaxValue, ErrorMessage = "chem:quota_cpu_seconds_per_day must be 0 (no limit) or more.")]
    public long QuotaCpuSecondsPerDay { get; set; }

    /// <summary>Bytes one organization may keep (artifacts and tool logs), unless it set its own; 0: no limit.</summary>
    [ConfigurationKeyName("quota_max_stored_bytes")]
    [Range(0, long.MaxValue, ErrorMessage = "chem:quota_max_stored_bytes must be 0 (no limit) or more.")]
    public long QuotaMaxStoredBytes { get; set; }
}
