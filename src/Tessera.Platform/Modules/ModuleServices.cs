using System.Collections.ObjectModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tessera.Core.Errors;
using Tessera.Jobs;
using Tessera.Platform.Blobs;
using Tessera.Platform.Collections;
using Tessera.Vectors.Collections;

namespace Tessera.Platform.Modules;

/// <summary>How a module registers what it brings; everything a module adds to a process goes through here.</summary>
public sealed class ModuleServices(string module, IServiceCollection services)
{
    /// <summary>The tag of health checks that take part in <c>/readyz</c>.</summary>
    public const string ReadyTag = "ready";

    public string Module { get; } = module;

    /// <summary>The container, for the module's own services.</summary>
    public IServiceCollection Services { get; } = services;

    /// <summary>
    /// Binds <typeparamref name="TSettings"/> from the configuration section named after the module (<c>&lt;module&gt;:…</c>;
    /// map snake_case keys with <c>[ConfigurationKeyName]</c>) and validates its data annotations. An unknown key or a
    /// value out of range fails the start with a message naming the key.
    /// </summary>
    public ModuleServices AddSettings<TSettings>() where TSettings : class, new()
    {
        var section = Module;
        Services.AddSingleton(sp => Bind<TSettings>(sp.GetRequiredService<IConfiguration>().GetSection(section)));
        Services.AddSingleton(new SettingsCheck(typeof(TSettings), sp => sp.GetRequiredService<TSettings>()));
        return this;
    }

    /// <summary>A job kind this module runs.</summary>
    public ModuleServices AddJobHandler<THandler>() where THandler : class, IJobHandler
    {
        Services.AddJobHandler<THandler>();
        return this;
    }

    /// <summary>A column of this module's tables that holds blob hashes, so the blob sweeper keeps those blobs.</summary>
    public ModuleServices AddBlobReferences(string table, string column)
    {
        Services.AddBlobColumn(table, column);
        return this;
    }

    /// <summary>A check that takes part in <c>/readyz</c>.</summary>
    public ModuleServices AddReadinessCheck<TCheck>(string name) where TCheck : class, IHealthCheck
    {
        Services.AddHealthChecks().AddCheck<TCheck>($"{Module}-{name}", tags: [ReadyTag]);
        return this;
    }

    /// <summary>
    /// A vector collection over <typeparamref name="TSource"/>, with the platform's owner filter, background updates,
    /// snapshots, health and <c>tessera index build|query --collection</c>.
    /// </summary>
    public ModuleServices AddVectorCollection<TSource>(VectorCollectionDefinition definition) where TSource : class, IVectorSource
    {
        ArgumentNullException.ThrowIfNull(definition);
        definition.Validate();
        Services.AddSingleton<TSource>();
        Services.AddSingleton(new VectorCollectionRegistration(definition, sp => sp.GetRequiredService<TSource>()));
        return this;
    }

    /// <summary>How <c>tessera index query --collection</c> searches a collection as a member would.</summary>
    public ModuleServices AddCollectionSearch<TSearch>() where TSearch : class, ICollectionSearch
    {
        Services.AddSingleton<ICollectionSearch, TSearch>();
        return this;
    }

    private static TSettings Bind<TSettings>(IConfigurationSection section) where TSettings : class, new()
    {
        // The binder's ErrorOnUnknownConfiguration ignores [ConfigurationKeyName], so unknown keys are found here.
        var known = typeof(TSettings).GetProperties()
            .Select(p => p.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? p.Name)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var unknown = section.GetChildren().Select(c => c.Key).Where(k => !known.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw TesseraException.Validation(
                $"Unknown setting(s) {string.Join(", ", unknown.Select(k => $"'{section.Path}:{k}'"))}; the settings under '{section.Path}:' are {string.Join(", ", known.Order())}.");
        }
        var settings = new TSettings();
        try
        {
            section.Bind(settings);
        }
        catch (InvalidOperationException e)
        {
            throw TesseraException.Validation($"Settings under '{section.Path}:' are invalid: {e.Message}");
        }
        var errors = new Collection<ValidationResult>();
        if (!Validator.TryValidateObject(settings, new ValidationContext(settings), errors, validateAllProperties: true))
            throw TesseraException.Validation($"Settings under '{section.Path}:' are invalid: {string.Join(" ", errors.Select(e => e.ErrorMessage))}");
        return settings;
    }
}

/// <summary>Resolves one module's settings, so a bad value stops the start instead of the first request that reads it.</summary>
internal sealed record SettingsCheck(Type Settings, Func<IServiceProvider, object> Resolve);
