using System.Reflection;
using Tessera.Platform.Modules;
using Tessera.Platform.Web;

namespace Tessera.Web.Shell;

/// <summary>What the installed modules add to the shell: their page assemblies and navigation entries.</summary>
public sealed class WebModules
{
    public WebModules(TesseraModules modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        Contributions = modules.Where(m => m.Pages is not null).Select(m => (m.Name, m.Pages!)).ToList();
    }

    public IReadOnlyList<(string Module, ModulePages Pages)> Contributions { get; }

    public IReadOnlyList<Assembly> Assemblies => Contributions.Select(c => c.Pages.Assembly).Distinct().ToList();

    public IEnumerable<NavigationEntry> Navigation => Contributions.SelectMany(c => c.Pages.Navigation);

    /// <summary>The assembly whose embedded assets are served at <c>/assets/&lt;owner&gt;/</c>: "shell" or a module's name.</summary>
    public Assembly? AssetsOf(string owner) =>
        owner == "shell" ? typeof(WebModules).Assembly : Contributions.FirstOrDefault(c => c.Module == owner).Pages?.Assembly;
}
