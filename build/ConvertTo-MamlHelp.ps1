<#
.SYNOPSIS
    Turns the markdown help in docs/help/ into the help files PowerShell reads, without platyPS.
.DESCRIPTION
    <Verb>-<Noun>.md (one per cmdlet: the prose of the reference page, in the sections Synopsis,
    Description, Examples, Parameters, Inputs, Outputs, Notes, Related Links) and the metadata of
    the built cmdlets (parameter sets, types, aliases, mandatory flags, positions, pipeline input,
    defaults, accepted ranges: read with Get-Command from the module in -ModuleManifestPath, in a
    child pwsh) become one MAML file, <AssemblyName>-Help.xml: the name PowerShell looks for beside a binary module's
    assembly (CmdletInfo.HelpFile), searched in the assembly's folder and its culture subfolders.
    The markdown never repeats what the cmdlet already says, so the two cannot drift apart: a
    parameter with a [ValidateRange] gets the sentence 'Accepted values: <min> to <max>. The
    default is <default>.' after its prose, from the attribute and the cmdlet's default.

    about_*.md become about_*.help.txt (plain text, wrapped at 80 columns). PowerShell finds
    about topics only in <module base>/<culture>/ (the folder of the manifest, not bin/), so
    -AboutOutputPath is normally <module root>/en-US.

    Dot-sourced without -SourcePath, the script only defines its functions (tests use
    Read-CommandHelpMarkdown to check the markdown itself).

    Markdown rules (what the parser understands):
    - optional '---' front matter; '# <Cmdlet>'; '## <Section>' headings, case-insensitive;
    - '### Example N: <title>' under ## Examples: the first ```powershell block(s) are the code,
      what follows (an ```output block, text) is the remarks;
    - '### -<Name>' under ## Parameters: the parameter's description, one section for each
      parameter the cmdlet has (the converter refuses a missing or unknown one);
      '### CommonParameters' is not a parameter. A ```yaml block or a ## Syntax section (the
      platyPS format this page used to have) is ignored with a warning naming what to remove;
    - '### <Type>' under ## Inputs / ## Outputs, followed by a description;
    - paragraphs, '- ' / '1. ' lists, fenced code blocks and '|' tables in any text;
    - {{NativeContract.<Name>}} anywhere (about topics too): the value of that constant of the
      built module (cmdlets/Native/Contract.g.cs), for prose that names a limit or default.
.EXAMPLE
    ./build/ConvertTo-MamlHelp.ps1 -SourcePath docs/help -ModuleManifestPath ./Microsoft.Graph.Entra.Rs.psd1 -MamlPath en-US/Microsoft.Graph.Entra.Rs.dll-Help.xml -AboutOutputPath en-US
#>
[CmdletBinding()]
param(
    # Folder of the markdown help (docs/help).
    [string] $SourcePath,

    # The built module whose cmdlets the metadata is read from.
    [string] $ModuleManifestPath,

    # The MAML file to write, e.g. bin/Microsoft.Graph.Entra.Rs.dll-Help.xml.
    [string] $MamlPath,

    # Folder for about_*.help.txt, e.g. <module root>/en-US.
    [string] $AboutOutputPath
)

# Strict mode is set inside the entry points (not here), so dot-sourcing the script does not
# change the caller's.

# The child pwsh that reads cmdlet metadata dot-sources this file for its functions.
$script:ConverterPath = $PSCommandPath

$script:MamlNs = 'http://schemas.microsoft.com/maml/2004/10'
$script:CommandNs = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$script:DevNs = 'http://schemas.microsoft.com/maml/dev/2004/10'
$script:MSHelpNs = 'http://msdn.microsoft.com/mshelp'

#region Markdown parsing

function Get-HelpLocation {
    param([string] $Path, [int] $Line)
    if ($Line -gt 0) { "${Path}:$Line" } else { $Path }
}

function New-HelpFormatException {
    param([string] $Path, [int] $Line, [string] $Message)
    [System.IO.InvalidDataException]::new("$(Get-HelpLocation $Path $Line): $Message")
}

function Expand-ContractReference {
    <#
    Replaces each {{NativeContract.<Name>}} in a page's lines with the text of that constant of
    the built module (NativeContract, generated from rust/ffi/src/contract.rs), so prose that
    names a limit or default ("32 by default", "at most 256") states the figure the engine uses
    instead of a copy of it. A name the contract lacks stops the conversion, naming the line.
    #>
    param([string[]] $Lines, [System.Collections.IDictionary] $Contract, [string] $Path)
    $reference = '\{\{NativeContract\.(\w+)\}\}'
    for ($n = 0; $n -lt $Lines.Count; $n++) {
        foreach ($match in [regex]::Matches($Lines[$n], $reference)) {
            if (-not $Contract.Contains($match.Groups[1].Value)) {
                throw (New-HelpFormatException $Path ($n + 1) "'$($match.Value)' names no constant of NativeContract (cmdlets/Native/Contract.g.cs)")
            }
        }
        $Lines[$n] = [regex]::Replace($Lines[$n], $reference, { param($m) $Contract[$m.Groups[1].Value] })
    }
    , $Lines
}

function Split-MarkdownHeading {
    <#
    Splits lines (each @{ Text; Number }) at headings of the given level, ignoring '#' lines
    inside fenced code blocks. Returns the lines before the first heading as a section with
    Title $null, then one section per heading: @{ Title; Line; Body = <lines> }.
    #>
    param([object[]] $Lines, [int] $Level)
    $prefix = ('#' * $Level) + ' '
    $sections = [System.Collections.Generic.List[object]]::new()
    $current = [pscustomobject]@{ Title = $null; Line = 0; Body = [System.Collections.Generic.List[object]]::new() }
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line.Text -match '^\s*(```|~~~)') { $inFence = -not $inFence }
        if (-not $inFence -and $line.Text.StartsWith($prefix)) {
            $sections.Add($current)
            $current = [pscustomobject]@{ Title = $line.Text.Substring($prefix.Length).Trim(); Line = $line.Number; Body = [System.Collections.Generic.List[object]]::new() }
            continue
        }
        $current.Body.Add($line)
    }
    $sections.Add($current)
    $sections
}

function ConvertFrom-MarkdownBlock {
    <#
    Turns lines of markdown text into blocks: Paragraph (Text), ListItem (Text, Marker),
    Code (Language, Lines), Table (Lines).
    #>
    param([object[]] $Lines)
    $blocks = [System.Collections.Generic.List[object]]::new()
    $paragraph = $null
    $i = 0
    $count = @($Lines).Count
    while ($i -lt $count) {
        $text = $Lines[$i].Text
        if ($text -match '^\s*(```|~~~)\s*([\w-]*)\s*$') {
            $fence = $Matches[1]
            $language = $Matches[2]
            $indent = $text.Length - $text.TrimStart().Length
            $code = [System.Collections.Generic.List[string]]::new()
            $i++
            while ($i -lt $count -and $Lines[$i].Text.Trim() -ne $fence) {
                $codeLine = $Lines[$i].Text
                # Code blocks nested in a list item are indented: remove the fence's indent.
                if ($indent -gt 0 -and $codeLine.Length -ge $indent -and $codeLine.Substring(0, $indent).Trim() -eq '') {
                    $codeLine = $codeLine.Substring($indent)
                }
                $code.Add($codeLine.TrimEnd())
                $i++
            }
            if ($i -ge $count) { throw "unterminated code block that starts at line $($Lines[$i - $code.Count - 1].Number)" }
            $blocks.Add([pscustomobject]@{ Kind = 'Code'; Language = $language; Lines = @($code); Text = $null; Marker = $null })
            $paragraph = $null
            $i++
            continue
        }
        if ($text.Trim() -eq '') {
            $paragraph = $null
            $i++
            continue
        }
        if ($text -match '^\s*\|') {
            $table = [System.Collections.Generic.List[string]]::new()
            while ($i -lt $count -and $Lines[$i].Text -match '^\s*\|') {
                $table.Add($Lines[$i].Text.Trim())
                $i++
            }
            $blocks.Add([pscustomobject]@{ Kind = 'Table'; Language = $null; Lines = @($table); Text = $null; Marker = $null })
            $paragraph = $null
            continue
        }
        if ($text -match '^(\s*)([-*]|\d+\.)\s+(.*)$') {
            $paragraph = [pscustomobject]@{ Kind = 'ListItem'; Language = $null; Lines = $null; Text = $Matches[3].Trim(); Marker = $Matches[2] }
            $blocks.Add($paragraph)
            $i++
            continue
        }
        if ($null -ne $paragraph) {
            # A continuation line of the paragraph or list item (markdown joins them).
            $paragraph.Text = ($paragraph.Text.TrimEnd() + ' ' + $text.Trim())
        }
        else {
            $paragraph = [pscustomobject]@{ Kind = 'Paragraph'; Language = $null; Lines = $null; Text = $text.Trim(); Marker = $null }
            $blocks.Add($paragraph)
        }
        $i++
    }
    $blocks.ToArray()
}

function Read-CommandHelpMarkdown {
    <#
    Parses one cmdlet's markdown help page into an object (throws on a malformed page). With
    -Contract, its {{NativeContract.<Name>}} references are expanded (Expand-ContractReference);
    without, they stay as written (tests that check the markdown itself).
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $Path, [System.Collections.IDictionary] $Contract)
    $ErrorActionPreference = 'Stop'
    Set-StrictMode -Version Latest

    $raw = [System.IO.File]::ReadAllLines($Path)
    if ($Contract) { $raw = Expand-ContractReference $raw $Contract $Path }
    $lines = for ($n = 0; $n -lt $raw.Count; $n++) { [pscustomobject]@{ Text = $raw[$n].TrimEnd(); Number = $n + 1 } }
    $lines = @($lines)

    # Front matter
    $frontMatter = [ordered]@{}
    if ($lines.Count -gt 0 -and $lines[0].Text -eq '---') {
        $end = 1
        while ($end -lt $lines.Count -and $lines[$end].Text -ne '---') {
            if ($lines[$end].Text -match '^([^:]+):\s*(.*)$') { $frontMatter[$Matches[1].Trim()] = $Matches[2].Trim() }
            $end++
        }
        if ($end -ge $lines.Count) { throw (New-HelpFormatException $Path 1 'unterminated front matter') }
        $lines = @($lines | Select-Object -Skip ($end + 1))
    }

    $top = Split-MarkdownHeading $lines 1
    $titled = @($top | Where-Object Title)
    if ($titled.Count -ne 1) { throw (New-HelpFormatException $Path 0 "expected exactly one '# <Cmdlet>' title, found $($titled.Count)") }
    $name = $titled[0].Title
    if ($name -notmatch '^(\w+)-(\w+)$') { throw (New-HelpFormatException $Path $titled[0].Line "'$name' is not a Verb-Noun cmdlet name") }
    $verb, $noun = $Matches[1], $Matches[2]

    $sections = @{}
    foreach ($section in (Split-MarkdownHeading @($titled[0].Body) 2 | Where-Object Title)) {
        $sections[$section.Title.ToLowerInvariant()] = $section
    }
    $known = 'synopsis', 'description', 'examples', 'parameters', 'inputs', 'outputs', 'notes', 'related links'
    foreach ($required in $known) {
        if (-not $sections.ContainsKey($required)) { throw (New-HelpFormatException $Path 0 "no '## $required' section") }
    }
    if ($sections.ContainsKey('syntax')) {
        Write-Warning "$(Get-HelpLocation $Path $sections['syntax'].Line): '## Syntax' is ignored: the syntax is generated from the cmdlet's parameter sets. Remove the section."
        $sections.Remove('syntax')
    }
    foreach ($key in $sections.Keys) {
        if ($known -notcontains $key) { throw (New-HelpFormatException $Path $sections[$key].Line "unknown section '## $($sections[$key].Title)'") }
    }
    function Get-Blocks([string] $Key) {
        try { ConvertFrom-MarkdownBlock @($sections[$Key].Body) }
        catch { throw (New-HelpFormatException $Path $sections[$Key].Line "## $($sections[$Key].Title): $($_.Exception.Message)") }
    }

    # Examples
    $examples = foreach ($example in (Split-MarkdownHeading @($sections['examples'].Body) 3 | Where-Object Title)) {
        $blocks = try { ConvertFrom-MarkdownBlock @($example.Body) } catch { throw (New-HelpFormatException $Path $example.Line $_.Exception.Message) }
        $code = [System.Collections.Generic.List[string]]::new()
        $index = 0
        # The leading PowerShell blocks are the code; an ```output block belongs to the remarks.
        while ($index -lt $blocks.Count -and $blocks[$index].Kind -eq 'Code' -and $blocks[$index].Language -in '', 'powershell', 'pwsh', 'ps', 'ps1') {
            if ($code.Count -gt 0) { $code.Add('') }
            $code.AddRange([string[]]$blocks[$index].Lines)
            $index++
        }
        [pscustomobject]@{
            Title   = $example.Title
            Code    = ($code -join "`n")
            Remarks = @($blocks | Select-Object -Skip $index)
        }
    }

    # Parameters: prose only; the metadata comes from the cmdlet (Merge-CommandHelp).
    $parameters = foreach ($parameter in (Split-MarkdownHeading @($sections['parameters'].Body) 3 | Where-Object Title)) {
        if ($parameter.Title -eq 'CommonParameters') { continue }
        if ($parameter.Title -notmatch '^-(\w+)$') { throw (New-HelpFormatException $Path $parameter.Line "parameter heading '### $($parameter.Title)' is not '### -<Name>'") }
        $parameterName = $Matches[1]
        $blocks = try { ConvertFrom-MarkdownBlock @($parameter.Body) } catch { throw (New-HelpFormatException $Path $parameter.Line $_.Exception.Message) }
        $isYaml = { $_.Kind -eq 'Code' -and $_.Language -eq 'yaml' }
        if (@($blocks | Where-Object $isYaml).Count -gt 0) {
            Write-Warning "$(Get-HelpLocation $Path $parameter.Line): the yaml block of parameter -$parameterName is ignored: its type, sets, aliases, position and pipeline input come from the cmdlet. Remove the block."
        }
        [pscustomobject]@{
            Name        = $parameterName
            Line        = $parameter.Line
            Description = @($blocks | Where-Object { -not (& $isYaml) })
        }
    }

    function Get-TypeEntries([string] $Key) {
        foreach ($entry in (Split-MarkdownHeading @($sections[$Key].Body) 3 | Where-Object Title)) {
            [pscustomobject]@{ Type = $entry.Title; Description = @(ConvertFrom-MarkdownBlock @($entry.Body)) }
        }
    }

    $links = foreach ($block in (Get-Blocks 'related links')) {
        $text = if ($block.Kind -in 'Paragraph', 'ListItem') { $block.Text } else { '' }
        foreach ($match in [regex]::Matches($text, '\[([^\]]+)\]\(([^)]*)\)')) {
            [pscustomobject]@{ Text = $match.Groups[1].Value; Uri = $match.Groups[2].Value }
        }
    }

    $synopsis = @(Get-Blocks 'synopsis' | Where-Object Kind -eq 'Paragraph' | ForEach-Object Text) -join ' '

    [pscustomobject]@{
        Path          = $Path
        Name          = $name
        Verb          = $verb
        Noun          = $noun
        FrontMatter   = $frontMatter
        Synopsis      = $synopsis
        Description   = @(Get-Blocks 'description')
        Examples      = @($examples)
        Parameters    = @($parameters)
        Inputs        = @(Get-TypeEntries 'inputs')
        Outputs       = @(Get-TypeEntries 'outputs')
        Notes         = @(Get-Blocks 'notes')
        Links         = @($links)
    }
}

#endregion

#region Text rendering

function ConvertTo-PlainText {
    # Inline markdown to the plain text Get-Help shows: links as 'text (url)' (relative links
    # to other help pages as their text), no emphasis markers. Backticks stay: they mark code.
    param([string] $Text)
    $Text = [regex]::Replace($Text, '\[([^\]]+)\]\(([^)]*)\)', {
            param($m)
            $label, $target = $m.Groups[1].Value, $m.Groups[2].Value
            if ($target -match '^[a-z]+://' -and $target -ne $label) { "$label ($target)" } else { $label }
        })
    $Text = [regex]::Replace($Text, '(\*\*|__)(.+?)\1', '$2')
    $Text = $Text -replace '\\([\\`*_{}\[\]()#+\-.!|<>])', '$1'
    $Text
}

function ConvertTo-Paragraph {
    # Blocks into the paragraph strings of maml:para elements.
    param([object[]] $Blocks)
    foreach ($block in $Blocks) {
        switch ($block.Kind) {
            'Paragraph' { ConvertTo-PlainText $block.Text }
            'ListItem' { "$($block.Marker -in '-', '*' ? '-' : $block.Marker) $(ConvertTo-PlainText $block.Text)" }
            'Code' { ($block.Lines | ForEach-Object { "    $_" }) -join "`n" }
            'Table' {
                # Aligned columns when they fit Get-Help's indented text, else one line per row.
                $aligned = @(ConvertTo-TextTable $block.Lines)
                if (($aligned | Measure-Object -Property Length -Maximum).Maximum -le 72) { $aligned -join "`n" }
                else { (ConvertTo-TableRowText $block.Lines) -join "`n" }
            }
        }
    }
}

function ConvertTo-TableRowText {
    # A table too wide to align, as one line per data row: '- first (middle, ...): last'.
    param([string[]] $Lines)
    $rows = @(foreach ($line in $Lines) { , @($line.Trim().Trim('|') -split '(?<!\\)\|' | ForEach-Object { ConvertTo-PlainText $_.Trim() }) })
    foreach ($row in ($rows | Select-Object -Skip 2)) {
        $cells = @($row)
        switch ($cells.Count) {
            1 { "- $($cells[0])" }
            2 { "- $($cells[0]): $($cells[1])" }
            default { "- $($cells[0]) ($(($cells[1..($cells.Count - 2)]) -join ', ')): $($cells[-1])" }
        }
    }
}

function ConvertTo-TextTable {
    # A markdown table as aligned plain-text columns (the separator row becomes dashes).
    param([string[]] $Lines)
    $rows = foreach ($line in $Lines) {
        $cells = $line.Trim().Trim('|') -split '(?<!\\)\|' | ForEach-Object { ConvertTo-PlainText $_.Trim() }
        , @($cells)
    }
    $rows = @($rows)
    $columns = ($rows | ForEach-Object { $_.Count } | Measure-Object -Maximum).Maximum
    $widths = for ($c = 0; $c -lt $columns; $c++) {
        ($rows | Where-Object { $_[$c] -notmatch '^:?-+:?$' } | ForEach-Object { if ($c -lt $_.Count) { $_[$c].Length } else { 0 } } | Measure-Object -Maximum).Maximum
    }
    foreach ($row in $rows) {
        $isSeparator = @($row | Where-Object { $_ -notmatch '^:?-+:?$' }).Count -eq 0
        $cells = for ($c = 0; $c -lt $columns; $c++) {
            $cell = if ($c -lt $row.Count) { $row[$c] } else { '' }
            if ($isSeparator) { '-' * $widths[$c] } else { $cell.PadRight($widths[$c]) }
        }
        ($cells -join '  ').TrimEnd()
    }
}

function Format-WrappedText {
    # Wraps text at $Width columns with the given first-line and continuation indents.
    param([string] $Text, [int] $Indent, [int] $HangingIndent = $Indent, [int] $Width = 80)
    $words = $Text -split '\s+' | Where-Object { $_ }
    $line = ' ' * $Indent
    $fresh = $true
    foreach ($word in $words) {
        if (-not $fresh -and $line.Length + 1 + $word.Length -gt $Width) {
            $line
            $line = (' ' * $HangingIndent) + $word
            continue
        }
        $line += ($fresh ? '' : ' ') + $word
        $fresh = $false
    }
    if (-not $fresh) { $line }
}

#endregion

#region Cmdlet metadata

function Get-PipelineInputText {
    # The MAML pipelineInput text.
    param([bool] $ByValue, [bool] $ByPropertyName)
    if ($ByValue -and $ByPropertyName) { 'True (ByPropertyName, ByValue)' }
    elseif ($ByValue) { 'True (ByValue)' }
    elseif ($ByPropertyName) { 'True (ByPropertyName)' }
    else { 'False' }
}

function Get-ParameterDefaultText {
    # What the help shows as a parameter's default: the text of its [PSDefaultValue] attribute,
    # else the value a new instance of the cmdlet holds ('None' for null, lists joined).
    param([System.Management.Automation.ParameterMetadata] $Metadata, [type] $CmdletType, [object] $Instance)
    $property = $CmdletType.GetProperty($Metadata.Name)
    if ($null -eq $property) {
        # -WhatIf and -Confirm live in the runtime, not on the cmdlet class.
        return $Metadata.SwitchParameter ? 'False' : 'None'
    }
    $attribute = @($property.GetCustomAttributes([System.Management.Automation.PSDefaultValueAttribute], $true)) | Select-Object -First 1
    if ($attribute) { return $attribute.Help ? $attribute.Help : [System.Convert]::ToString($attribute.Value, [cultureinfo]::InvariantCulture) }
    $value = $property.GetValue($Instance)
    if ($null -eq $value) { return 'None' }
    if ($value -is [System.Management.Automation.SwitchParameter]) { return "$($value.IsPresent)" }
    if ($value -is [System.Collections.IEnumerable] -and $value -isnot [string]) { return (@($value) -join ', ') }
    [System.Convert]::ToString($value, [cultureinfo]::InvariantCulture)
}

function Get-ParameterRangeText {
    # The values a parameter's [ValidateRange] accepts, as the help states them ('0 to 50', '1 or
    # more'), or $null without one. The figures live only in the attribute (for the native
    # limits, the constants generated from rust/ffi/src/contract.rs), never in the markdown.
    param([System.Management.Automation.ParameterMetadata] $Metadata)
    $range = @($Metadata.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateRangeAttribute] }) | Select-Object -First 1
    # A range given by kind (Positive, NonNegative, ...) has no figures.
    if (-not $range -or $null -eq $range.MinRange) { return $null }
    $text = { param($value) [System.Convert]::ToString($value, [cultureinfo]::InvariantCulture) }
    # [ValidateRange(1, int.MaxValue)]: the type's largest value means no upper bound.
    $typeMax = $range.MaxRange.GetType().GetField('MaxValue')
    $unbounded = $null -ne $typeMax -and $range.MaxRange -eq $typeMax.GetValue($null)
    if ($unbounded) { return "$(& $text $range.MinRange) or more" }
    "$(& $text $range.MinRange) to $(& $text $range.MaxRange)"
}

function New-ParameterRangeParagraph {
    # The sentence the help adds to a ranged parameter's description: its range and, when it has
    # one, its default, both read from the cmdlet (ConvertTo-CmdletHelpMetadata).
    param([Parameter(Mandatory)] [object] $Parameter)
    $text = "Accepted values: $($Parameter.Range)."
    if ($Parameter.DefaultValue -and $Parameter.DefaultValue -ne 'None') { $text += " The default is $($Parameter.DefaultValue)." }
    [pscustomobject]@{ Kind = 'Paragraph'; Language = $null; Lines = $null; Text = $text; Marker = $null }
}

function ConvertTo-CmdletHelpMetadata {
    <#
    What the help says about a cmdlet that the cmdlet itself knows: each parameter's type,
    aliases, default, accepted range and wildcard support, and per parameter set (the default first) each
    member's mandatory flag, position and pipeline input. Common parameters are left out.
    #>
    param([Parameter(Mandatory)] [System.Management.Automation.CmdletInfo] $Command)
    $common = [System.Management.Automation.Cmdlet]::CommonParameters
    $instance = [System.Activator]::CreateInstance($Command.ImplementingType)
    $parameters = foreach ($metadata in $Command.Parameters.Values) {
        if ($common -contains $metadata.Name) { continue }
        [pscustomobject]@{
            Name         = $metadata.Name
            Type         = ([Nullable]::GetUnderlyingType($metadata.ParameterType) ?? $metadata.ParameterType).Name
            IsSwitch     = $metadata.SwitchParameter
            Aliases      = @($metadata.Aliases)
            DefaultValue = Get-ParameterDefaultText $metadata $Command.ImplementingType $instance
            Range        = Get-ParameterRangeText $metadata
            Globbing     = @($metadata.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }).Count -gt 0
        }
    }
    $sets = foreach ($set in ($Command.ParameterSets | Sort-Object { -not $_.IsDefault } -Stable)) {
        $members = foreach ($member in $set.Parameters) {
            if ($common -contains $member.Name) { continue }
            [pscustomobject]@{
                Name          = $member.Name
                Required      = $member.IsMandatory
                Position      = $member.Position -lt 0 ? 'Named' : "$($member.Position)"
                PipelineInput = Get-PipelineInputText $member.ValueFromPipeline $member.ValueFromPipelineByPropertyName
            }
        }
        [pscustomobject]@{ Name = $set.Name; IsDefault = $set.IsDefault; Members = @($members) }
    }
    [pscustomobject]@{ Name = $Command.Name; Verb = $Command.Verb; Noun = $Command.Noun; Parameters = @($parameters); ParameterSets = @($sets) }
}

function ConvertTo-ContractText {
    <#
    The public constants of NativeContract (generated from rust/ffi/src/contract.rs) as the text
    help prose shows them: numbers in the invariant culture, lists joined with ', '.
    #>
    param([Parameter(Mandatory)] [type] $Type)
    $values = [ordered]@{}
    foreach ($field in $Type.GetFields([System.Reflection.BindingFlags]'Public, Static')) {
        $value = $field.GetValue($null)
        $values[$field.Name] = $value -is [System.Collections.IEnumerable] -and $value -isnot [string] ? (@($value) -join ', ') : [System.Convert]::ToString($value, [cultureinfo]::InvariantCulture)
    }
    $values
}

function Get-ModuleHelpMetadata {
    <#
    ConvertTo-CmdletHelpMetadata for every cmdlet of the module in $ModuleManifestPath, and its
    NativeContract constants (ConvertTo-ContractText), read in a child pwsh: the build's own
    process must not hold the assembly it may rebuild next, and importing the module there would
    shadow an installed copy for the rest of the build. Returns @{ Cmdlets; Contract }.
    #>
    param([Parameter(Mandatory)] [string] $ModuleManifestPath)
    $quote = { param([string] $Text) "'" + $Text.Replace("'", "''") + "'" }
    $script = @"
`$ErrorActionPreference = 'Stop'
. $(& $quote $script:ConverterPath)
`$module = Import-Module $(& $quote ([System.IO.Path]::GetFullPath($ModuleManifestPath))) -PassThru
`$cmdlets = @(Get-Command -Module `$module.Name -CommandType Cmdlet | ForEach-Object { ConvertTo-CmdletHelpMetadata `$_ })
`$contract = ConvertTo-ContractText `$module.ImplementingAssembly.GetType('Microsoft.Graph.Entra.Rs.Native.NativeContract', `$true)
ConvertTo-Json -InputObject @{ Cmdlets = `$cmdlets; Contract = `$contract } -Depth 8 -Compress
"@
    . (Join-Path (Split-Path -Parent $script:ConverterPath) 'Common.ps1')   # Get-PwshPath
    $json = & (Get-PwshPath) -NoProfile -NonInteractive -Command $script
    if ($LASTEXITCODE -ne 0) { throw "Reading the cmdlets' parameter metadata from '$ModuleManifestPath' failed (exit code $LASTEXITCODE): $json" }
    $read = ($json -join "`n") | ConvertFrom-Json
    $contract = [ordered]@{}
    foreach ($property in $read.Contract.PSObject.Properties) { $contract[$property.Name] = "$($property.Value)" }
    [pscustomobject]@{ Cmdlets = @($read.Cmdlets); Contract = $contract }
}

function Merge-CommandHelp {
    <#
    A page's prose and its cmdlet's metadata as one help object for the MAML writer. Every
    parameter needs a '### -Name' section and every section a parameter, so help cannot lag
    behind the code or describe what is not there.
    #>
    param([Parameter(Mandatory)] [object] $Page, [Parameter(Mandatory)] [object] $Metadata)
    $real = @($Metadata.Parameters | ForEach-Object Name)
    foreach ($parameter in $Page.Parameters) {
        if ($real -notcontains $parameter.Name) {
            throw (New-HelpFormatException $Page.Path $parameter.Line "'### -$($parameter.Name)' describes a parameter $($Metadata.Name) does not have: remove or rename the section")
        }
    }
    $documented = @($Page.Parameters | ForEach-Object Name)
    $missing = @($real | Where-Object { $documented -notcontains $_ })
    if ($missing.Count -gt 0) {
        throw (New-HelpFormatException $Page.Path 0 "## Parameters has no section for $(($missing | ForEach-Object { "-$_" }) -join ', '): add '### -<Name>' with a description for each")
    }

    $memberships = @($Metadata.ParameterSets | ForEach-Object Members)
    $parameters = foreach ($prose in $Page.Parameters) {
        $cmdletParameter = @($Metadata.Parameters | Where-Object Name -eq $prose.Name)[0]
        $bindings = @($memberships | Where-Object Name -eq $prose.Name)
        $positions = @($bindings.Position | Select-Object -Unique)
        # Required only when required in every set; pipeline input as the union; the position
        # when all sets agree.
        $binding = [pscustomobject]@{
            Required      = @($bindings | Where-Object { -not $_.Required }).Count -eq 0
            Position      = $positions.Count -eq 1 ? $positions[0] : 'Named'
            PipelineInput = Get-PipelineInputText (@($bindings | Where-Object PipelineInput -match 'ByValue').Count -gt 0) (@($bindings | Where-Object PipelineInput -match 'ByPropertyName').Count -gt 0)
        }
        # The range and default are the cmdlet's: the markdown describes, the attribute decides.
        $description = @($prose.Description)
        if ($cmdletParameter.Range) { $description += New-ParameterRangeParagraph $cmdletParameter }
        [pscustomobject]@{
            Name         = $prose.Name
            Description  = $description
            Type         = $cmdletParameter.Type
            IsSwitch     = $cmdletParameter.IsSwitch
            Aliases      = @($cmdletParameter.Aliases)
            DefaultValue = $cmdletParameter.DefaultValue
            Globbing     = $cmdletParameter.Globbing
            Binding      = $binding
        }
    }
    $parameters = @($parameters)

    $sets = foreach ($set in $Metadata.ParameterSets) {
        $members = foreach ($member in $set.Members) {
            [pscustomobject]@{
                Parameter = @($parameters | Where-Object Name -eq $member.Name)[0]
                Binding   = $member
                Order     = $member.Position -eq 'Named' ? [int]::MaxValue : [int]$member.Position
                PageOrder = [array]::IndexOf($documented, $member.Name)
            }
        }
        [pscustomobject]@{ Name = $set.Name; IsDefault = $set.IsDefault; Members = @($members | Sort-Object Order, PageOrder) }
    }

    $help = $Page.PSObject.Copy()
    $help.Parameters = $parameters
    $help | Add-Member -NotePropertyName ParameterSets -NotePropertyValue @($sets)
    $help
}

#endregion

#region MAML

function Add-XmlElement {
    param(
        [Parameter(Mandatory)] [System.Xml.XmlNode] $Parent,
        [Parameter(Mandatory)] [string] $Name,
        [string] $Text,
        [System.Collections.IDictionary] $Attributes
    )
    $prefix, $local = $Name -split ':', 2
    $ns = switch ($prefix) { 'maml' { $script:MamlNs } 'command' { $script:CommandNs } 'dev' { $script:DevNs } }
    $document = $Parent -is [System.Xml.XmlDocument] ? $Parent : $Parent.OwnerDocument
    $element = $document.CreateElement($prefix, $local, $ns)
    if ($Attributes) { foreach ($key in $Attributes.Keys) { $element.SetAttribute($key, [string]$Attributes[$key]) } }
    if ($PSBoundParameters.ContainsKey('Text')) { $element.InnerText = $Text }
    [void]$Parent.AppendChild($element)
    # XmlElement is enumerable (its children): hand the element itself over.
    , $element
}

function Add-MamlDescription {
    # <maml:description> with one <maml:para> per paragraph (an empty one when there is none).
    param([System.Xml.XmlNode] $Parent, [string[]] $Paragraphs)
    $description = Add-XmlElement $Parent 'maml:description'
    $any = $false
    foreach ($paragraph in $Paragraphs) {
        if ([string]::IsNullOrWhiteSpace($paragraph)) { continue }
        Add-XmlElement $description 'maml:para' -Text $paragraph | Out-Null
        $any = $true
    }
    if (-not $any) { Add-XmlElement $description 'maml:para' -Text '' | Out-Null }
}

function Add-MamlParameter {
    # $Parameter: Name, Description, Type, IsSwitch, Aliases, DefaultValue, Globbing;
    # $Binding: Required, Position, PipelineInput (in one set, or merged over all sets).
    param([System.Xml.XmlNode] $Parent, [object] $Parameter, [object] $Binding, [switch] $InSyntax)
    $aliases = @($Parameter.Aliases)
    $element = Add-XmlElement $Parent 'command:parameter' -Attributes ([ordered]@{
            required       = $Binding.Required ? 'true' : 'false'
            variableLength = 'true'
            globbing       = $Parameter.Globbing ? 'true' : 'false'
            pipelineInput  = $Binding.PipelineInput
            position       = $Binding.Position -eq 'Named' ? 'named' : $Binding.Position
            aliases        = $aliases.Count -gt 0 ? ($aliases -join ', ') : 'none'
        })
    Add-XmlElement $element 'maml:name' -Text $Parameter.Name | Out-Null
    Add-MamlDescription $element @(ConvertTo-Paragraph $Parameter.Description)
    # Switches show as [-Name] in the syntax: no value there.
    if (-not ($Parameter.IsSwitch -and $InSyntax)) {
        Add-XmlElement $element 'command:parameterValue' -Text $Parameter.Type -Attributes ([ordered]@{ required = $Parameter.IsSwitch ? 'false' : 'true'; variableLength = 'false' }) | Out-Null
    }
    $type = Add-XmlElement $element 'dev:type'
    Add-XmlElement $type 'maml:name' -Text $Parameter.Type | Out-Null
    Add-XmlElement $type 'maml:uri' -Text '' | Out-Null
    Add-XmlElement $element 'dev:defaultValue' -Text $Parameter.DefaultValue | Out-Null
}

function Add-MamlCommand {
    param([System.Xml.XmlElement] $Root, [object] $Help)
    $document = $Root.OwnerDocument
    $command = $document.CreateElement('command', 'command', $script:CommandNs)
    $command.SetAttribute('xmlns:maml', $script:MamlNs)
    $command.SetAttribute('xmlns:command', $script:CommandNs)
    $command.SetAttribute('xmlns:dev', $script:DevNs)
    $command.SetAttribute('xmlns:MSHelp', $script:MSHelpNs)
    [void]$Root.AppendChild($command)

    $details = Add-XmlElement $command 'command:details'
    Add-XmlElement $details 'command:name' -Text $Help.Name | Out-Null
    Add-XmlElement $details 'command:verb' -Text $Help.Verb | Out-Null
    Add-XmlElement $details 'command:noun' -Text $Help.Noun | Out-Null
    Add-MamlDescription $details @(ConvertTo-PlainText $Help.Synopsis)

    Add-MamlDescription $command @(ConvertTo-Paragraph $Help.Description)

    # One syntax item per parameter set (the default first): positional parameters by position,
    # then the others in the order of the page.
    $syntax = Add-XmlElement $command 'command:syntax'
    foreach ($set in $Help.ParameterSets) {
        $item = Add-XmlElement $syntax 'command:syntaxItem'
        Add-XmlElement $item 'maml:name' -Text $Help.Name | Out-Null
        foreach ($member in $set.Members) {
            Add-MamlParameter $item $member.Parameter $member.Binding -InSyntax
        }
    }

    $parameters = Add-XmlElement $command 'command:parameters'
    foreach ($parameter in $Help.Parameters) {
        Add-MamlParameter $parameters $parameter $parameter.Binding
    }

    $inputs = Add-XmlElement $command 'command:inputTypes'
    foreach ($entry in $Help.Inputs) {
        $inputType = Add-XmlElement $inputs 'command:inputType'
        $type = Add-XmlElement $inputType 'dev:type'
        Add-XmlElement $type 'maml:name' -Text $entry.Type | Out-Null
        Add-MamlDescription $inputType @(ConvertTo-Paragraph $entry.Description)
    }

    $outputs = Add-XmlElement $command 'command:returnValues'
    foreach ($entry in $Help.Outputs) {
        $returnValue = Add-XmlElement $outputs 'command:returnValue'
        $type = Add-XmlElement $returnValue 'dev:type'
        Add-XmlElement $type 'maml:name' -Text $entry.Type | Out-Null
        Add-MamlDescription $returnValue @(ConvertTo-Paragraph $entry.Description)
    }

    $alertSet = Add-XmlElement $command 'maml:alertSet'
    $alert = Add-XmlElement $alertSet 'maml:alert'
    $notes = @(ConvertTo-Paragraph $Help.Notes)
    if ($notes.Count -eq 0) { $notes = @('') }
    foreach ($paragraph in $notes) { Add-XmlElement $alert 'maml:para' -Text $paragraph | Out-Null }

    $examples = Add-XmlElement $command 'command:examples'
    foreach ($example in $Help.Examples) {
        $element = Add-XmlElement $examples 'command:example'
        Add-XmlElement $element 'maml:title' -Text "---------- $($example.Title) ----------" | Out-Null
        Add-XmlElement $element 'dev:code' -Text $example.Code | Out-Null
        $remarks = Add-XmlElement $element 'dev:remarks'
        $paragraphs = @(ConvertTo-Paragraph $example.Remarks)
        # The empty last paragraph keeps a blank line before the next example's title.
        foreach ($paragraph in @($paragraphs) + '') { Add-XmlElement $remarks 'maml:para' -Text $paragraph | Out-Null }
    }

    # Get-Help -Online opens the first link with a uri: the page's online version.
    $links = Add-XmlElement $command 'maml:relatedLinks'
    $online = $Help.FrontMatter['online version']
    if ($online) {
        $link = Add-XmlElement $links 'maml:navigationLink'
        Add-XmlElement $link 'maml:linkText' -Text 'Online Version:' | Out-Null
        Add-XmlElement $link 'maml:uri' -Text $online | Out-Null
    }
    foreach ($entry in $Help.Links) {
        $link = Add-XmlElement $links 'maml:navigationLink'
        Add-XmlElement $link 'maml:linkText' -Text $entry.Text | Out-Null
        Add-XmlElement $link 'maml:uri' -Text ($entry.Uri -match '^[a-z]+://' ? $entry.Uri : '') | Out-Null
    }
}

function ConvertTo-MamlDocument {
    <# The MAML document (XmlDocument) for parsed help pages. #>
    param([Parameter(Mandatory)] [object[]] $Help)
    $document = [System.Xml.XmlDocument]::new()
    [void]$document.AppendChild($document.CreateXmlDeclaration('1.0', 'utf-8', $null))
    $root = $document.CreateElement('helpItems', 'http://msh')
    $root.SetAttribute('schema', 'maml')
    [void]$document.AppendChild($root)
    foreach ($page in $Help) { Add-MamlCommand $root $page }
    , $document
}

#endregion

#region About topics

function ConvertTo-AboutText {
    <#
    An about_*.md page as the .help.txt PowerShell shows: TOPIC, then '## ' headings in capitals
    at column 0, '### ' headings indented 4, text wrapped at 80 columns and indented 4, code
    indented 8.
    #>
    param([Parameter(Mandatory)] [string] $Path, [System.Collections.IDictionary] $Contract)
    $ErrorActionPreference = 'Stop'
    Set-StrictMode -Version Latest
    $raw = [System.IO.File]::ReadAllLines($Path)
    if ($Contract) { $raw = Expand-ContractReference $raw $Contract $Path }
    $lines = @(for ($n = 0; $n -lt $raw.Count; $n++) { [pscustomobject]@{ Text = $raw[$n].TrimEnd(); Number = $n + 1 } })
    $top = Split-MarkdownHeading $lines 1
    $titled = @($top | Where-Object Title)
    if ($titled.Count -ne 1 -or $titled[0].Title -notmatch '^about_') {
        throw (New-HelpFormatException $Path 0 "expected one '# about_<Name>' title")
    }
    $topic = $titled[0].Title
    $sections = @(Split-MarkdownHeading @($titled[0].Body) 2 | Where-Object Title)
    if (@($sections | Where-Object Title -eq 'Short description').Count -ne 1) {
        throw (New-HelpFormatException $Path 0 "no '## Short description' section")
    }

    $out = [System.Collections.Generic.List[string]]::new()
    $out.Add('TOPIC')
    $out.Add("    $topic")
    function Add-Blocks([object[]] $Blocks, [int] $Indent) {
        foreach ($block in $Blocks) {
            # A heading's text starts on the next line; blocks are separated by a blank line.
            if ($out.Count - 1 -ne $script:LastHeading) { $out.Add('') }
            switch ($block.Kind) {
                'Paragraph' { foreach ($l in (Format-WrappedText (ConvertTo-PlainText $block.Text) $Indent)) { $out.Add($l) } }
                'ListItem' {
                    $marker = $block.Marker -in '-', '*' ? '-' : $block.Marker
                    foreach ($l in (Format-WrappedText "$marker $(ConvertTo-PlainText $block.Text)" $Indent ($Indent + $marker.Length + 1))) { $out.Add($l) }
                }
                'Code' { foreach ($l in $block.Lines) { $out.Add(((' ' * ($Indent + 4)) + $l).TrimEnd()) } }
                'Table' {
                    $aligned = @(ConvertTo-TextTable $block.Lines)
                    if (($aligned | Measure-Object -Property Length -Maximum).Maximum -le 80 - $Indent) {
                        foreach ($l in $aligned) { $out.Add(((' ' * $Indent) + $l).TrimEnd()) }
                    }
                    else {
                        foreach ($row in (ConvertTo-TableRowText $block.Lines)) {
                            foreach ($l in (Format-WrappedText $row $Indent ($Indent + 2))) { $out.Add($l) }
                        }
                    }
                }
            }
        }
    }
    $script:LastHeading = -1
    foreach ($section in $sections) {
        $out.Add('')
        $out.Add($section.Title.ToUpperInvariant())
        $script:LastHeading = $out.Count - 1
        $subsections = @(Split-MarkdownHeading @($section.Body) 3)
        Add-Blocks @(ConvertFrom-MarkdownBlock @($subsections[0].Body)) 4
        foreach ($subsection in ($subsections | Where-Object Title)) {
            $out.Add('')
            $out.Add('  ' + (ConvertTo-PlainText $subsection.Title).ToUpperInvariant())
            $script:LastHeading = $out.Count - 1
            Add-Blocks @(ConvertFrom-MarkdownBlock @($subsection.Body)) 4
        }
    }
    # Lists read better without a blank line between their items.
    $text = ($out -join "`n") -replace '(?m)(^ *(?:-|\d+\.) .*(?:\n {6,}\S.*)*)\n\n(?= *(?:-|\d+\.) )', "`$1`n"
    $text + "`n"
}

#endregion

function Invoke-HelpConversion {
    <# Converts every page in $SourcePath; returns the files written. #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $SourcePath,
        [Parameter(Mandatory)] [string] $ModuleManifestPath,
        [Parameter(Mandatory)] [string] $MamlPath,
        [Parameter(Mandatory)] [string] $AboutOutputPath
    )
    $ErrorActionPreference = 'Stop'
    Set-StrictMode -Version Latest
    $commandPages = @(Get-ChildItem -LiteralPath $SourcePath -Filter '*-*.md' -File | Sort-Object Name)
    if ($commandPages.Count -eq 0) { throw "No cmdlet help pages (<Verb>-<Noun>.md) in '$SourcePath'." }
    $module = Get-ModuleHelpMetadata -ModuleManifestPath $ModuleManifestPath
    $cmdlets = $module.Cmdlets
    $help = foreach ($page in $commandPages) {
        $parsed = Read-CommandHelpMarkdown -Path $page.FullName -Contract $module.Contract
        if ($parsed.Name -ne $page.BaseName) {
            throw (New-HelpFormatException $page.FullName 0 "the title '# $($parsed.Name)' does not match the file name")
        }
        $metadata = @($cmdlets | Where-Object Name -eq $parsed.Name)
        if ($metadata.Count -ne 1) { throw (New-HelpFormatException $page.FullName 0 "the module exports no cmdlet '$($parsed.Name)'") }
        Merge-CommandHelp $parsed $metadata[0]
    }

    $mamlDir = Split-Path -Parent ([System.IO.Path]::GetFullPath($MamlPath))
    New-Item -ItemType Directory -Force -Path $mamlDir | Out-Null
    $settings = [System.Xml.XmlWriterSettings]::new()
    $settings.Indent = $true
    $settings.IndentChars = '  '
    $settings.Encoding = [System.Text.UTF8Encoding]::new($false)
    $settings.NewLineChars = "`n"
    $writer = [System.Xml.XmlWriter]::Create([System.IO.Path]::GetFullPath($MamlPath), $settings)
    try { (ConvertTo-MamlDocument -Help @($help)).Save($writer) } finally { $writer.Dispose() }
    Get-Item -LiteralPath $MamlPath

    New-Item -ItemType Directory -Force -Path $AboutOutputPath | Out-Null
    foreach ($page in (Get-ChildItem -LiteralPath $SourcePath -Filter 'about_*.md' -File)) {
        $target = Join-Path $AboutOutputPath "$($page.BaseName).help.txt"
        [System.IO.File]::WriteAllText($target, (ConvertTo-AboutText -Path $page.FullName -Contract $module.Contract), [System.Text.UTF8Encoding]::new($false))
        Get-Item -LiteralPath $target
    }
}

if ($SourcePath) {
    if (-not $ModuleManifestPath -or -not $MamlPath -or -not $AboutOutputPath) { throw '-ModuleManifestPath, -MamlPath and -AboutOutputPath are required with -SourcePath.' }
    Invoke-HelpConversion -SourcePath $SourcePath -ModuleManifestPath $ModuleManifestPath -MamlPath $MamlPath -AboutOutputPath $AboutOutputPath
}
