using System.Reflection;

namespace Tessera.Platform.Web;

/// <summary>
/// The web pages a module adds to the shell: the assembly whose routable Razor components (<c>@page</c>) the
/// shell's router scans, and the links the shell's navigation shows for them. The assembly's embedded files under
/// <c>Assets/</c> are served at <c>/assets/&lt;module name&gt;/</c> (scripts and styles the pages load).
/// </summary>
public sealed record ModulePages(Assembly Assembly, IReadOnlyList<NavigationEntry> Navigation);

/// <summary>One link in the shell's navigation.</summary>
public sealed record NavigationEntry(string Title, string Href, string Description);
