#Requires -Version 7.4
<#
.SYNOPSIS
    Checks that a packaged Microsoft.Graph.Entra.Rs .nupkg installs and works on this machine:
    extracts it as Install-Module does (<modules>/Microsoft.Graph.Entra.Rs/<version>/), then in a
    fresh pwsh imports the module by name from PSModulePath, loads its native library for this
    runtime (Connect-Entra -AccessToken, which checks the library's API against the bindings)
    and reads Get-EntraContext. Nothing leaves the machine. Exits non-zero on any failure.
    The release workflow runs it on Windows, macOS and Linux.
.EXAMPLE
    pwsh ./build/Test-PackageImport.ps1 -Nupkg out/package/Microsoft.Graph.Entra.Rs.0.1.0.nupkg
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Nupkg,
    [string] $ModulesRoot = (Join-Path ([System.IO.Path]::GetTempPath()) "entra-rs-import-$PID")
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
. (Join-Path $PSScriptRoot 'Common.ps1')

$name = 'Microsoft.Graph.Entra.Rs'
Add-Type -AssemblyName System.IO.Compression.FileSystem
$zip = [System.IO.Compression.ZipFile]::OpenRead((Resolve-Path -LiteralPath $Nupkg).Path)
try {
    $nuspec = $zip.Entries | Where-Object FullName -eq "$name.nuspec" | Select-Object -First 1
    if (-not $nuspec) { throw "$Nupkg has no $name.nuspec at its root." }
    $reader = [System.IO.StreamReader]::new($nuspec.Open())
    try { $version = ([xml]$reader.ReadToEnd()).package.metadata.version } finally { $reader.Dispose() }
    # Full paths as .NET spells them (on Windows '\' throughout), to compare with the module's own.
    $moduleBase = [System.IO.Path]::GetFullPath((Join-Path $ModulesRoot "$name/$version"))
    Remove-Item -LiteralPath $moduleBase -Recurse -Force -ErrorAction Ignore
    foreach ($entry in $zip.Entries) {
        # NuGet's own files are not part of the module (Install-Module leaves them out too).
        if ($entry.FullName -match '^(\[Content_Types\]\.xml|_rels/|package/)' -or $entry.FullName.EndsWith('/')) { continue }
        $target = Join-Path $moduleBase ($entry.FullName -replace '%20', ' ')
        New-Item -ItemType Directory -Force -Path (Split-Path -Parent $target) | Out-Null
        [System.IO.Compression.ZipFileExtensions]::ExtractToFile($entry, $target, $true)
    }
}
finally {
    $zip.Dispose()
}

$expected = [System.IO.Path]::GetFullPath((Join-Path $moduleBase "runtimes/$(Get-RuntimeId)/native/$(Get-NativeFileName)"))
if (-not (Test-Path -LiteralPath $expected -PathType Leaf)) { throw "The package has no native library for $(Get-RuntimeId): '$expected' is missing." }

$script = @'
$ErrorActionPreference = 'Stop'
Import-Module Microsoft.Graph.Entra.Rs
$module = Get-Module Microsoft.Graph.Entra.Rs
'base=' + $module.ModuleBase
'native=' + [Microsoft.Graph.Entra.Rs.Native.NativeLibraryResolver]::ExpectedPath
Add-EntraEnvironment -Name PackageCheck -GraphEndpoint http://127.0.0.1:9 -AzureADEndpoint http://127.0.0.1:9 | Out-Null
Connect-Entra -Environment PackageCheck -AccessToken (ConvertTo-SecureString 'package-check' -AsPlainText -Force) -NoWelcome
'environment=' + (Get-EntraContext).Environment
Disconnect-Entra
'@
$previous = $env:PSModulePath
try {
    $env:PSModulePath = $ModulesRoot + [System.IO.Path]::PathSeparator + $previous
    $output = @(& (Get-PwshPath) -NoProfile -NonInteractive -Command $script 2>&1 | ForEach-Object { "$_" })
    $exitCode = $LASTEXITCODE
}
finally {
    $env:PSModulePath = $previous
}
$output | ForEach-Object { Write-Host $_ }
$wanted = @("base=$moduleBase", "native=$expected", 'environment=PackageCheck')
$missing = @($wanted | Where-Object { $output -notcontains $_ })
if ($exitCode -ne 0 -or $missing.Count -gt 0) {
    Write-Error "The package did not import and load on $(Get-RuntimeId) (exit code $exitCode; missing: $($missing -join '; '))."
    exit 1
}
Write-Host "Package imports and loads its native library on $(Get-RuntimeId): $moduleBase" -ForegroundColor Green
