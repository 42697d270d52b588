# The Package task: a gallery-ready module folder and a .nupkg, from what Build produced.
#
#   out/package/Microsoft.Graph.Entra.Rs/<version>/
#       Microsoft.Graph.Entra.Rs.psd1, Microsoft.Graph.Entra.Rs.Format.ps1xml, LICENSE, README.md
#       bin/Microsoft.Graph.Entra.Rs.dll
#       en-US/Microsoft.Graph.Entra.Rs.dll-Help.xml, en-US/about_Microsoft.Graph.Entra.Rs.help.txt
#       runtimes/<rid>/native/<native library>     every RID present under runtimes/
#   out/package/Microsoft.Graph.Entra.Rs.<version>.nupkg
#
# A build makes only its own platform's native library; libraries built elsewhere (win-x64,
# win-arm64, linux-arm64, osx-x64, osx-arm64) are packaged when dropped into
# runtimes/<rid>/native/ before running the task.
#
# The .nupkg is made the way PowerShellGet's Publish-Module makes it when nuget.exe is absent:
# `dotnet pack` of a throwaway project whose NuspecFile is a generated .nuspec, with the module
# files at the root of the package. Install-Module extracts it to
# <PSModulePath>/Microsoft.Graph.Entra.Rs/<version>/.

$script:ModuleName = 'Microsoft.Graph.Entra.Rs'

# RIDs the native resolver knows (NativeLibraryResolver.KnownRuntimeIds), with their library name.
$script:KnownRuntimes = [ordered]@{}
foreach ($rid in Get-KnownRuntimeId) { $script:KnownRuntimes[$rid] = Get-NativeFileName -RuntimeId $rid }

function Get-PackageRuntime {
    <#
    The native libraries under <root>/runtimes as @{ RuntimeId; RelativePath } (forward
    slashes). Throws on a RID folder the resolver would never use or a RID without its library.
    #>
    param([Parameter(Mandatory)] [string] $RepoRoot)
    $runtimes = Join-Path $RepoRoot 'runtimes'
    if (-not (Test-Path -LiteralPath $runtimes -PathType Container)) {
        throw "No runtimes/ folder: run the Build task first (it puts this platform's native library in runtimes/$(Get-RuntimeId)/native/)."
    }
    $found = foreach ($dir in (Get-ChildItem -LiteralPath $runtimes -Directory | Sort-Object Name)) {
        if (-not $script:KnownRuntimes.Contains($dir.Name)) {
            throw "runtimes/$($dir.Name) is not a runtime the module loads; expected one of: $($script:KnownRuntimes.Keys -join ', ')."
        }
        $file = $script:KnownRuntimes[$dir.Name]
        if (-not (Test-Path -LiteralPath (Join-Path $dir.FullName "native/$file") -PathType Leaf)) {
            throw "runtimes/$($dir.Name)/native/$file is missing."
        }
        [pscustomobject]@{ RuntimeId = $dir.Name; RelativePath = "runtimes/$($dir.Name)/native/$file" }
    }
    $found = @($found)
    if ($found.Count -eq 0) { throw 'runtimes/ holds no native library: run the Build task first.' }
    $found
}

function Get-PackageFileList {
    # Every file of the module folder, as paths relative to the module root (forward slashes).
    param([Parameter(Mandatory)] [string] $RepoRoot)
    $helpDir = Get-HelpOutputDirectory $RepoRoot | Split-Path -Leaf
    $files = @(
        "$script:ModuleName.psd1"
        "$script:ModuleName.Format.ps1xml"
        'LICENSE'
        'README.md'
        "bin/$script:ModuleName.dll"
        "$helpDir/$(Get-MamlFileName)"
    )
    $files += @(Get-ChildItem -LiteralPath (Join-Path $RepoRoot $helpDir) -Filter 'about_*.help.txt' -File -ErrorAction Ignore |
            Sort-Object Name | ForEach-Object { "$helpDir/$($_.Name)" })
    $files += @(Get-PackageRuntime $RepoRoot | ForEach-Object RelativePath)
    foreach ($relative in $files) {
        if (-not (Test-Path -LiteralPath (Join-Path $RepoRoot $relative) -PathType Leaf)) {
            throw "'$relative' is missing: run the Build task first."
        }
    }
    $files
}

function ConvertTo-XmlText([string] $Text) { [System.Security.SecurityElement]::Escape($Text) }

function New-ModuleNuspec {
    <#
    The .nuspec PowerShellGet writes for a module: id and version from the manifest, its author,
    description, copyright, release notes, project and license, and the gallery's tags (the
    manifest's Tags, PSModule, PSEdition_<edition>, PSIncludes_Cmdlet, PSCmdlet_<name> and
    PSCommand_<name> per exported cmdlet). The files element lists the module files.
    #>
    param(
        [Parameter(Mandatory)] [hashtable] $Manifest,
        [Parameter(Mandatory)] [string[]] $Files
    )
    $psData = $Manifest.PrivateData.PSData
    $tags = [System.Collections.Generic.List[string]]::new()
    foreach ($tag in @($psData.Tags) + 'PSModule' + @($Manifest.CompatiblePSEditions | ForEach-Object { "PSEdition_$_" }) + 'PSIncludes_Cmdlet') {
        if ($tag -and -not $tags.Contains($tag)) { $tags.Add($tag) }
    }
    foreach ($cmdlet in $Manifest.CmdletsToExport) { $tags.Add("PSCmdlet_$cmdlet"); $tags.Add("PSCommand_$cmdlet") }
    $licenseExpression = 'MIT'

    # target is the folder inside the package (NuGet reads a target without an extension, such
    # as LICENSE, as a folder name, and refuses an empty one).
    $fileLines = foreach ($file in $Files) {
        $source = ConvertTo-XmlText ($file -replace '/', [System.IO.Path]::DirectorySeparatorChar)
        if ($file.Contains('/')) {
            "    <file src=`"$source`" target=`"$(ConvertTo-XmlText ($file.Substring(0, $file.LastIndexOf('/')) -replace '/', '\'))`" />"
        }
        else {
            "    <file src=`"$source`" />"   # no target: the package root
        }
    }
    @"
<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd">
  <metadata>
    <id>$script:ModuleName</id>
    <version>$($Manifest.ModuleVersion)</version>
    <authors>$(ConvertTo-XmlText $Manifest.Author)</authors>
    <owners>$(ConvertTo-XmlText $Manifest.CompanyName)</owners>
    <requireLicenseAcceptance>false</requireLicenseAcceptance>
    <license type="expression">$licenseExpression</license>
    <projectUrl>$(ConvertTo-XmlText $psData.ProjectUri)</projectUrl>
    <description>$(ConvertTo-XmlText $Manifest.Description)</description>
    <releaseNotes>$(ConvertTo-XmlText $psData.ReleaseNotes)</releaseNotes>
    <copyright>$(ConvertTo-XmlText $Manifest.Copyright)</copyright>
    <tags>$(ConvertTo-XmlText ($tags -join ' '))</tags>
    <readme>README.md</readme>
  </metadata>
  <files>
$($fileLines -join "`n")
  </files>
</package>
"@
}

function Invoke-NuGetPack {
    # dotnet pack of a project that only points at the .nuspec (nothing is compiled).
    param(
        [Parameter(Mandatory)] [string] $NuspecPath,
        [Parameter(Mandatory)] [string] $BasePath,
        [Parameter(Mandatory)] [string] $WorkDir,
        [Parameter(Mandatory)] [string] $OutputDir
    )
    $project = Join-Path $WorkDir 'pack.csproj'
    Set-Content -LiteralPath $project -Encoding utf8 -Value @"
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net8.0</TargetFramework>
    <IncludeBuildOutput>false</IncludeBuildOutput>
    <EnableDefaultItems>false</EnableDefaultItems>
    <GenerateAssemblyInfo>false</GenerateAssemblyInfo>
    <NuspecFile>$(ConvertTo-XmlText $NuspecPath)</NuspecFile>
    <NuspecBasePath>$(ConvertTo-XmlText $BasePath)</NuspecBasePath>
    <!-- A PowerShell module is not a .NET library: an assembly outside lib/ is intended. -->
    <NoWarn>`$(NoWarn);NU5100;NU5110;NU5111</NoWarn>
  </PropertyGroup>
</Project>
"@
    # Restore (pack needs the assets file), then pack without compiling anything.
    Invoke-Native dotnet @('restore', $project, '--nologo') -What 'dotnet restore (pack project)'
    Invoke-Native dotnet @('pack', $project, '--no-build', '--output', $OutputDir, '--nologo') -What 'dotnet pack'
}

function New-ModulePackage {
    <#
    Lays out the module folder and packs the .nupkg under $OutputRoot (default out/package),
    from the current bin/, en-US/ and runtimes/ (the Build task's output). Returns
    @{ Version; ModulePath; NupkgPath; RuntimeIds; Files }.
    #>
    param(
        [Parameter(Mandatory)] [string] $RepoRoot,
        [string] $OutputRoot = (Join-Path $RepoRoot 'out/package')
    )
    $manifestPath = Join-Path $RepoRoot "$script:ModuleName.psd1"
    $manifest = Import-PowerShellDataFile -LiteralPath $manifestPath
    $version = $manifest.ModuleVersion
    $files = @(Get-PackageFileList $RepoRoot)
    $runtimes = @(Get-PackageRuntime $RepoRoot)

    $moduleRoot = Join-Path $OutputRoot "$script:ModuleName/$version"
    $nupkg = Join-Path $OutputRoot "$script:ModuleName.$version.nupkg"
    Remove-Item -LiteralPath $moduleRoot -Recurse -Force -ErrorAction Ignore
    Remove-Item -LiteralPath $nupkg -Force -ErrorAction Ignore
    foreach ($relative in $files) {
        $target = Join-Path $moduleRoot $relative
        New-Item -ItemType Directory -Force -Path (Split-Path -Parent $target) | Out-Null
        Copy-Item -LiteralPath (Join-Path $RepoRoot $relative) -Destination $target
    }
    Write-Host "Module folder: $moduleRoot ($($files.Count) files; runtimes: $($runtimes.RuntimeId -join ', '))"
    $missing = @($script:KnownRuntimes.Keys | Where-Object { $runtimes.RuntimeId -notcontains $_ })
    if ($missing.Count -gt 0) {
        Write-Warning "The package has no native library for $($missing -join ', '): build them on those platforms and drop them into runtimes/<rid>/native/ to include them."
    }

    $manifestInfo = Test-ModuleManifest -Path (Join-Path $moduleRoot "$script:ModuleName.psd1") -ErrorAction Stop
    if ("$($manifestInfo.Version)" -ne $version) { throw "The packaged manifest reports version $($manifestInfo.Version), expected $version." }

    # The .nuspec and the pack project live outside the module folder, so neither ends up in it.
    $workDir = Join-Path $OutputRoot 'obj'
    Remove-Item -LiteralPath $workDir -Recurse -Force -ErrorAction Ignore
    New-Item -ItemType Directory -Force -Path $workDir | Out-Null
    $nuspec = Join-Path $workDir "$script:ModuleName.nuspec"
    Set-Content -LiteralPath $nuspec -Encoding utf8 -Value (New-ModuleNuspec -Manifest $manifest -Files $files)
    Invoke-NuGetPack -NuspecPath $nuspec -BasePath $moduleRoot -WorkDir $workDir -OutputDir $OutputRoot
    if (-not (Test-Path -LiteralPath $nupkg -PathType Leaf)) { throw "dotnet pack did not produce '$nupkg'." }
    Remove-Item -LiteralPath $workDir -Recurse -Force -ErrorAction Ignore
    Write-Host "Package: $nupkg"

    [pscustomobject]@{
        Version    = $version
        ModulePath = $moduleRoot
        NupkgPath  = $nupkg
        RuntimeIds = @($runtimes.RuntimeId)
        Files      = $files
    }
}
