# The module's help: docs/help/*.md (the prose, committed) and the built cmdlets' parameter
# metadata, converted by ConvertTo-MamlHelp.ps1 into en-US/ beside the manifest (git-ignored, like bin/):
#   en-US/Microsoft.Graph.Entra.Rs.dll-Help.xml   MAML for Get-Help <cmdlet>
#   en-US/about_Microsoft.Graph.Entra.Rs.help.txt  Get-Help about_Microsoft.Graph.Entra.Rs
# PowerShell looks for both in <module base>/<culture>/ (for a manifest module, the module base
# is the manifest's folder, not bin/ where the assembly is), falling back to en-US.

$script:HelpCulture = 'en-US'

function Get-HelpOutputDirectory {
    param([Parameter(Mandatory)] [string] $ModuleRoot)
    Join-Path $ModuleRoot $script:HelpCulture
}

function Get-MamlFileName {
    # CmdletInfo.HelpFile of a binary module's cmdlets: the assembly's file name + '-Help.xml'.
    'Microsoft.Graph.Entra.Rs.dll-Help.xml'
}

function Invoke-HelpBuild {
    param([Parameter(Mandatory)] [string] $RepoRoot)
    Write-Step "Help: docs/help/*.md -> $script:HelpCulture/"
    $outputDir = Get-HelpOutputDirectory $RepoRoot
    $written = & (Join-Path $PSScriptRoot 'ConvertTo-MamlHelp.ps1') `
        -SourcePath (Join-Path $RepoRoot 'docs/help') `
        -ModuleManifestPath (Join-Path $RepoRoot 'Microsoft.Graph.Entra.Rs.psd1') `
        -MamlPath (Join-Path $outputDir (Get-MamlFileName)) `
        -AboutOutputPath $outputDir
    foreach ($file in $written) { Write-Host "Wrote $($file.FullName)" }
}
