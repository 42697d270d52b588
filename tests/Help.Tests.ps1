# The module's help (docs/help/*.md, converted by build/ConvertTo-MamlHelp.ps1 into en-US/):
# every exported cmdlet has real help (not the text PowerShell generates when there is none),
# examples that parse and call commands that exist, a description for every parameter, and
# parameter metadata that says what the cmdlet really does. A cmdlet or parameter added without
# help fails here. The revoke help and the about topic must tell admins what matters: the
# permission, the propagation delay, guests, throttling and the error ids.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Support/TestSetup.ps1')
    # Whatever the module exports when the tests run, including cmdlets added later.
    $Cmdlets = @(Get-Command -Module Microsoft.Graph.Entra.Rs -CommandType Cmdlet | Sort-Object Name | ForEach-Object {
            @{ Name = $_.Name }
        })
    # The examples that need nothing but a connection: they run as written against the emulator,
    # whose seeded users (AdeleV, AlexW, MeganB, LeeG @contoso.com) are the ones they name.
    $RunnableExamples = foreach ($name in 'Revoke-EntraUserAllRefreshToken', 'Get-EntraUser', 'Get-EntraEnvironment') {
        foreach ($example in @((Get-Help $name).examples.example)) {
            @{ Name = $name; Title = ($example.title -replace '^-+\s*|\s*-+$', ''); Code = $example.code }
        }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support/TestSetup.ps1')
    # Read-CommandHelpMarkdown: the converter's own parser, to check the markdown itself.
    . (Join-Path $RepoRoot 'build/ConvertTo-MamlHelp.ps1')
    $HelpSource = Join-Path $RepoRoot 'docs/help'
    $CommonParameters = [System.Management.Automation.Cmdlet]::CommonParameters

    function Get-HelpNode([object] $Object, [string[]] $Path) {
        # $Object.a.b... or nothing: help objects leave out what a page does not have (no
        # parameters, no examples), and the Test task runs Pester under Set-StrictMode.
        foreach ($name in $Path) {
            $next = foreach ($item in @($Object)) {
                if ($null -ne $item -and $item.PSObject.Properties[$name]) { $item.PSObject.Properties[$name].Value }
            }
            $Object = $next
        }
        @($Object | Where-Object { $null -ne $_ })
    }

    function Get-ParameterText([object] $Parameter) {
        (@($Parameter.description) | ForEach-Object { $_.Text }) -join "`n"
    }

    function Get-RealPipelineInput([System.Management.Automation.ParameterMetadata] $Parameter) {
        # The pipelineInput text for a parameter, in the MAML format, across all its sets.
        $sets = @($Parameter.ParameterSets.Values)
        $byValue = @($sets | Where-Object ValueFromPipeline).Count -gt 0
        $byName = @($sets | Where-Object ValueFromPipelineByPropertyName).Count -gt 0
        if ($byValue -and $byName) { 'True (ByPropertyName, ByValue)' }
        elseif ($byValue) { 'True (ByValue)' }
        elseif ($byName) { 'True (ByPropertyName)' }
        else { 'False' }
    }

    function Get-SetPipelineInput([System.Management.Automation.CommandParameterInfo] $Parameter) {
        if ($Parameter.ValueFromPipeline -and $Parameter.ValueFromPipelineByPropertyName) { 'True (ByPropertyName, ByValue)' }
        elseif ($Parameter.ValueFromPipeline) { 'True (ByValue)' }
        elseif ($Parameter.ValueFromPipelineByPropertyName) { 'True (ByPropertyName)' }
        else { 'False' }
    }

    function Format-Position([int] $Position) {
        $Position -lt 0 ? 'named' : "$Position"
    }

    function Get-HelpAliases([object] $HelpParameter) {
        $text = "$($HelpParameter.aliases)"
        if ($text -eq '' -or $text -eq 'none') { return @() }
        @($text -split ',' | ForEach-Object Trim | Sort-Object)
    }

    function Get-TypeName([type] $Type) {
        $underlying = [Nullable]::GetUnderlyingType($Type)
        ($underlying ?? $Type).Name
    }

    function Get-OwnParameterNames([System.Management.Automation.CommandInfo] $Command) {
        @($Command.Parameters.Keys | Where-Object { $CommonParameters -notcontains $_ } | Sort-Object)
    }

    # The revoke help and the about topic as one text each, as a user sees them.
    $RevokeHelpText = Get-Help Revoke-EntraUserAllRefreshToken -Full | Out-String -Width 4000
    $AboutText = Get-Help about_Microsoft.Graph.Entra.Rs | Out-String -Width 4000

    # The error ids and categories the cmdlets give for each kind of Graph failure (the
    # FailureKind enum generated from Rust), from the assembly itself so the help cannot drift
    # from the code.
    $errorRecords = (Get-Module Microsoft.Graph.Entra.Rs).ImplementingAssembly.GetType('Microsoft.Graph.Entra.Rs.Errors.GraphErrorRecords', $true)
    $classify = $errorRecords.GetMethod('Classify', [System.Reflection.BindingFlags]'Public, NonPublic, Static')
    $kindType = $classify.GetParameters()[0].ParameterType
    $GraphErrors = foreach ($kind in 'InvalidArgument', 'BadRequest', 'Authentication', 'PermissionDenied', 'NotFound', 'Throttled', 'Unavailable', 'Cancelled', 'Other') {
        $tuple = $classify.Invoke($null, @([Enum]::Parse($kindType, $kind)))
        @{ Kind = $kind; ErrorId = $tuple.Item1; Category = "$($tuple.Item2)" }
    }
    $GraphErrors += @{ Kind = '(not connected)'; ErrorId = 'NotConnected'; Category = 'AuthenticationError' }
    $GraphErrors += @{ Kind = '(no native library)'; ErrorId = 'NativeLibraryUnavailable'; Category = 'ResourceUnavailable' }
}

Describe 'Help of <Name>' -ForEach $Cmdlets {
    BeforeAll {
        $Command = Get-Command $Name -Module Microsoft.Graph.Entra.Rs
        $Help = Get-Help $Name -Full
        $HelpParameters = Get-HelpNode $Help 'parameters', 'parameter'
        $HelpExamples = Get-HelpNode $Help 'examples', 'example'
        $OwnParameters = Get-OwnParameterNames $Command
    }

    It 'has a markdown page docs/help/<Name>.md' {
        Join-Path $HelpSource "$Name.md" | Should -Exist
    }

    It 'has a synopsis of its own (not the generated syntax line)' {
        $Help.Synopsis | Should -Not -BeNullOrEmpty
        # Without help, PowerShell puts the syntax in the synopsis.
        $Help.Synopsis.Trim() | Should -Not -BeLike "$Name *"
        $Help.Synopsis.Trim() | Should -Not -BeExactly $Name
        $Help.Synopsis.Trim() | Should -Not -BeLike '*<CommonParameters>*'
    }

    It 'has a description' {
        $text = (@($Help.description) | ForEach-Object { $_.Text }) -join ' '
        $text.Trim().Length | Should -BeGreaterThan 40
    }

    It 'has at least two examples, each with code and remarks' {
        $examples = $HelpExamples
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $examples) {
            $example.code | Should -Not -BeNullOrEmpty -Because "example '$($example.title)' needs code"
            ((@($example.remarks) | ForEach-Object Text) -join '').Trim() | Should -Not -BeNullOrEmpty -Because "example '$($example.title)' needs an explanation"
        }
    }

    It 'has examples that parse and call only commands that exist' {
        foreach ($example in $HelpExamples) {
            $tokens = $errors = $null
            $ast = [System.Management.Automation.Language.Parser]::ParseInput($example.code, [ref] $tokens, [ref] $errors)
            $errors | Should -BeNullOrEmpty -Because "the code of '$($example.title)' must be valid PowerShell"
            $names = $ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.CommandAst] }, $true) |
                ForEach-Object { $_.GetCommandName() } | Where-Object { $_ } | Select-Object -Unique
            foreach ($commandName in $names) {
                Get-Command $commandName -ErrorAction SilentlyContinue | Should -Not -BeNullOrEmpty -Because "'$($example.title)' calls $commandName"
            }
        }
    }

    It 'shows its own cmdlet in at least one example' {
        @($HelpExamples | Where-Object { $_.code -match [regex]::Escape($Name) }).Count | Should -BeGreaterOrEqual 1
    }

    It 'describes every parameter' {
        $undocumented = foreach ($parameter in $OwnParameters) {
            $entry = $HelpParameters | Where-Object name -eq $parameter
            if (-not $entry -or -not (Get-ParameterText $entry).Trim()) { "-$parameter" }
        }
        $undocumented | Should -BeNullOrEmpty -Because 'each parameter needs a ### -Name section with a description'
    }

    It 'documents no parameter the cmdlet does not have' {
        $extra = @($HelpParameters | ForEach-Object name | Where-Object { $OwnParameters -notcontains $_ })
        $extra | Should -BeNullOrEmpty
    }

    It 'gives each parameter its real aliases' {
        $mismatches = foreach ($parameter in $OwnParameters) {
            $entry = $HelpParameters | Where-Object name -eq $parameter
            if (-not $entry) { continue }
            $real = @($Command.Parameters[$parameter].Aliases | Sort-Object)
            $documented = Get-HelpAliases $entry
            if (($real -join ', ') -ne ($documented -join ', ')) { "-${parameter}: help says '$($documented -join ', ')', the cmdlet has '$($real -join ', ')'" }
        }
        $mismatches | Should -BeNullOrEmpty
    }

    It 'gives each parameter its real pipeline input' {
        $mismatches = foreach ($parameter in $OwnParameters) {
            $entry = $HelpParameters | Where-Object name -eq $parameter
            if (-not $entry) { continue }
            $real = Get-RealPipelineInput $Command.Parameters[$parameter]
            if ("$($entry.pipelineInput)" -ne $real) { "-${parameter}: help says '$($entry.pipelineInput)', the cmdlet has '$real'" }
        }
        $mismatches | Should -BeNullOrEmpty
    }

    It 'says which parameters are mandatory (in every set they belong to)' {
        $mismatches = foreach ($parameter in $OwnParameters) {
            $entry = $HelpParameters | Where-Object name -eq $parameter
            if (-not $entry) { continue }
            $real = @($Command.Parameters[$parameter].ParameterSets.Values | Where-Object { -not $_.IsMandatory }).Count -eq 0
            if ("$($entry.required)" -ne "$real".ToLowerInvariant()) { "-${parameter}: help says required=$($entry.required), the cmdlet has $real" }
        }
        $mismatches | Should -BeNullOrEmpty
    }

    It 'gives each parameter its real type and position' {
        $mismatches = foreach ($parameter in $OwnParameters) {
            $entry = $HelpParameters | Where-Object name -eq $parameter
            if (-not $entry) { continue }
            $metadata = $Command.Parameters[$parameter]
            $type = Get-TypeName $metadata.ParameterType
            if ("$($entry.type.name)" -ne $type) { "-${parameter}: help says type $($entry.type.name), the cmdlet has $type" }
            $positions = @($metadata.ParameterSets.Values | ForEach-Object { Format-Position $_.Position } | Select-Object -Unique)
            $real = $positions.Count -eq 1 ? $positions[0] : 'named'
            if ("$($entry.position)" -ne $real) { "-${parameter}: help says position $($entry.position), the cmdlet has $real" }
        }
        $mismatches | Should -BeNullOrEmpty
    }

    It 'has one syntax per parameter set, with the set''s parameters, mandatory flags and positions' {
        $syntaxItems = Get-HelpNode $Help 'syntax', 'syntaxItem'
        $syntaxItems.Count | Should -Be $Command.ParameterSets.Count -Because 'each parameter set needs a ### <Set> heading under ## Syntax and its parameters'
        $mismatches = foreach ($set in $Command.ParameterSets) {
            $real = @($set.Parameters | Where-Object { $CommonParameters -notcontains $_.Name })
            $realNames = (@($real | ForEach-Object Name) | Sort-Object) -join ','
            $item = $syntaxItems | Where-Object { (@(Get-HelpNode $_ 'parameter' | ForEach-Object name) | Sort-Object) -join ',' -eq $realNames } | Select-Object -First 1
            if (-not $item) { "set $($set.Name): no syntax with exactly the parameters $realNames"; continue }
            foreach ($parameter in $real) {
                $entry = Get-HelpNode $item 'parameter' | Where-Object name -eq $parameter.Name
                if ("$($entry.required)" -ne "$($parameter.IsMandatory)".ToLowerInvariant()) { "set $($set.Name) -$($parameter.Name): help says required=$($entry.required), the cmdlet has $($parameter.IsMandatory)" }
                if ("$($entry.position)" -ne (Format-Position $parameter.Position)) { "set $($set.Name) -$($parameter.Name): help says position $($entry.position), the cmdlet has $(Format-Position $parameter.Position)" }
                if ("$($entry.pipelineInput)" -ne (Get-SetPipelineInput $parameter)) { "set $($set.Name) -$($parameter.Name): help says pipeline '$($entry.pipelineInput)', the cmdlet has '$(Get-SetPipelineInput $parameter)'" }
            }
        }
        $mismatches | Should -BeNullOrEmpty
    }

    It 'states each parameter''s [ValidateRange] from the attribute, never typed in its markdown page' {
        $page = Read-CommandHelpMarkdown -Path (Join-Path $HelpSource "$Name.md")
        $text = { param($value) [System.Convert]::ToString($value, [cultureinfo]::InvariantCulture) }
        foreach ($parameter in @($Command.Parameters.Values | Where-Object { $CommonParameters -notcontains $_.Name })) {
            $range = $parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateRangeAttribute] -and $null -ne $_.MinRange } | Select-Object -First 1
            if (-not $range) { continue }
            $min, $max = (& $text $range.MinRange), (& $text $range.MaxRange)
            $prose = @($page.Parameters | Where-Object Name -eq $parameter.Name | ForEach-Object Description | ForEach-Object Text) -join ' '
            $prose | Should -Not -Match "\b$([regex]::Escape($min)) to $([regex]::Escape($max))\b" -Because "-$($parameter.Name)'s range is the attribute's: the build adds it"
            $helpText = Get-ParameterText (Get-HelpNode $Help 'parameters', 'parameter' | Where-Object name -eq $parameter.Name)
            $helpText | Should -Match "Accepted values: $([regex]::Escape($min)) (to $([regex]::Escape($max))|or more)\." -Because "-$($parameter.Name) validates [$min, $max]"
        }
    }

    It 'keeps only prose in its markdown page: no ## Syntax, no parameter yaml (the build reads both from the cmdlet)' {
        $text = Get-Content -Raw -LiteralPath (Join-Path $HelpSource "$Name.md")
        $text | Should -Not -Match '(?m)^## Syntax'
        $text | Should -Not -Match '(?m)^```yaml'
    }

    It 'shows the default parameter set first in the syntax' {
        $syntaxItems = Get-HelpNode $Help 'syntax', 'syntaxItem'
        $default = @($Command.ParameterSets | Where-Object IsDefault)[0]
        if (-not $default) { $default = $Command.ParameterSets[0] }
        $expected = (@($default.Parameters | ForEach-Object Name | Where-Object { $CommonParameters -notcontains $_ }) | Sort-Object) -join ','
        (@(Get-HelpNode $syntaxItems[0] 'parameter' | ForEach-Object name) | Sort-Object) -join ',' | Should -Be $expected
    }

    It 'names its output types' {
        $documented = @(Get-HelpNode $Help 'returnValues', 'returnValue', 'type', 'name')
        $documented | Should -Not -BeNullOrEmpty
        foreach ($output in $Command.OutputType) {
            switch ($output.Name) {
                'System.Void' { $documented | Should -Contain 'None' }
                'System.Management.Automation.PSObject' { }   # described by its type name instead
                default { $documented | Should -Contain $output.Name }
            }
        }
    }

    It 'has related links' {
        @(Get-HelpNode $Help 'relatedLinks', 'navigationLink' | Where-Object { $_.linkText -and $_.linkText -ne 'Online Version:' }).Count | Should -BeGreaterOrEqual 1
    }
}

Describe 'The help converter' {
    BeforeAll {
        $GetUser = ConvertTo-CmdletHelpMetadata (Get-Command Get-EntraUser -Module Microsoft.Graph.Entra.Rs)
        function New-Page([string] $Parameters) {
            $path = Join-Path $TestDrive "Get-EntraUser-$([guid]::NewGuid()).md"
            $text = @(
                '# Get-EntraUser', '', '## Synopsis', 'Gets users.', '', '## Description', 'Reads users.', '',
                '## Examples', '', '### Example 1: One', '```powershell', 'Get-EntraUser', '```', '',
                '## Parameters', '', $Parameters, '', '## Inputs', '', '## Outputs', '', '## Notes', 'None.', '',
                '## Related Links', '', '[Connect-Entra](Connect-Entra.md)'
            ) -join "`n"
            Set-Content -LiteralPath $path -Value $text
            $path
        }
        $AllSections = (@($GetUser.Parameters | ForEach-Object { "### -$($_.Name)`nAbout $($_.Name)." }) -join "`n`n")
    }

    It 'reads the metadata from the cmdlet: types, aliases, defaults from the native contract, per-set positions' {
        $userId = @($GetUser.Parameters | Where-Object Name -eq 'UserId')[0]
        $userId.Type | Should -Be 'String'
        $userId.Aliases | Should -Contain 'ObjectId'
        @($GetUser.Parameters | Where-Object Name -eq 'MaxRetry')[0].DefaultValue | Should -Be '10'
        @($GetUser.Parameters | Where-Object Name -eq 'Property')[0].DefaultValue | Should -Be 'id, displayName, userPrincipalName, mail, userType, accountEnabled, givenName, surname, jobTitle'
        $byId = @($GetUser.ParameterSets | Where-Object Name -eq 'GetById')[0]
        $binding = @($byId.Members | Where-Object Name -eq 'UserId')[0]
        $binding.Position | Should -Be '0'
        $binding.Required | Should -BeTrue
        $binding.PipelineInput | Should -Be 'True (ByPropertyName, ByValue)'
        $GetUser.ParameterSets[0].Name | Should -Be 'GetQuery' -Because 'the default set comes first'
    }

    It 'adds each ranged parameter''s range and default from the cmdlet: -MaxRetry''s from the constants generated from the native contract' {
        $contract = (Get-Module Microsoft.Graph.Entra.Rs).ImplementingAssembly.GetType('Microsoft.Graph.Entra.Rs.Native.NativeContract', $true)
        $constant = { param([string] $ConstantName) $contract.GetField($ConstantName).GetValue($null) }
        $expected = "Accepted values: $(& $constant MinMaxRetry) to $(& $constant MaxMaxRetry). The default is $(& $constant DefaultMaxRetry)."
        @($GetUser.Parameters | Where-Object Name -eq 'MaxRetry')[0].Range | Should -Be "$(& $constant MinMaxRetry) to $(& $constant MaxMaxRetry)"
        @($GetUser.Parameters | Where-Object Name -eq 'Top')[0].Range | Should -Be '1 or more' -Because '[ValidateRange(1, int.MaxValue)] has no upper bound'
        @($GetUser.Parameters | Where-Object Name -eq 'Filter')[0].Range | Should -BeNullOrEmpty
        $merged = Merge-CommandHelp (Read-CommandHelpMarkdown -Path (New-Page $AllSections)) $GetUser
        $description = { param([string] $ParameterName) @(@($merged.Parameters | Where-Object Name -eq $ParameterName)[0].Description | ForEach-Object Text) }
        & $description MaxRetry | Should -Be @('About MaxRetry.', $expected)
        & $description Top | Should -Be @('About Top.', 'Accepted values: 1 or more.') -Because '-Top has no default'
        & $description Filter | Should -Be @('About Filter.')
    }

    It 'expands {{NativeContract.SomeConstant}} in prose to the built module''s constant, and refuses a name the contract lacks' {
        $contractType = (Get-Module Microsoft.Graph.Entra.Rs).ImplementingAssembly.GetType('Microsoft.Graph.Entra.Rs.Native.NativeContract', $true)
        $contract = ConvertTo-ContractText $contractType
        $contract['MaxThrottleLimit'] | Should -Be "$($contractType.GetField('MaxThrottleLimit').GetValue($null))"
        $contract['DefaultUserProperties'] | Should -Be (@($contractType.GetField('DefaultUserProperties').GetValue($null)) -join ', ')
        $expanded = Expand-ContractReference @('At most {{NativeContract.MaxThrottleLimit}} at a time.', '`{x}` stays') $contract 'page.md'
        $expanded | Should -Be @("At most $($contract['MaxThrottleLimit']) at a time.", '`{x}` stays')
        { Expand-ContractReference @('fine', 'At most {{NativeContract.MaxThrotleLimit}}.') $contract 'page.md' } | Should -Throw "page.md:2: '{{NativeContract.MaxThrotleLimit}}' names no constant*"
    }

    It 'ignores a leftover yaml block in a parameter section, with a warning that says to remove it' {
        # As a section written in the old platyPS format (e.g. by a branch older than this converter).
        $yaml = @('```yaml', 'Type: SwitchParameter', 'Parameter Sets: GetQuery', '```') -join "`n"
        $page = New-Page ($AllSections.Replace("### -All`nAbout All.", "### -All`nAbout All.`n`n$yaml"))
        $parsed = Read-CommandHelpMarkdown -Path $page -WarningVariable warnings -WarningAction SilentlyContinue
        @($warnings) | Should -HaveCount 1
        "$($warnings[0])" | Should -Match '-All.*Remove the block'
        $merged = Merge-CommandHelp $parsed $GetUser
        $all = @($merged.Parameters | Where-Object Name -eq 'All')[0]
        $all.Type | Should -Be 'SwitchParameter'
        (@($all.Description | ForEach-Object Text) -join ' ') | Should -Be 'About All.'
    }

    It 'refuses a page that leaves a parameter undescribed, naming it' {
        $page = New-Page ($AllSections.Replace("### -MaxRetry`nAbout MaxRetry.", ''))
        { Merge-CommandHelp (Read-CommandHelpMarkdown -Path $page) $GetUser } | Should -Throw '*no section for -MaxRetry*'
    }

    It 'refuses a page that describes a parameter the cmdlet does not have' {
        $page = New-Page ($AllSections + "`n`n### -Verify`nNot a parameter of Get-EntraUser.")
        { Merge-CommandHelp (Read-CommandHelpMarkdown -Path $page) $GetUser } | Should -Throw "*'### -Verify' describes a parameter Get-EntraUser does not have*"
    }
}

Describe 'Help pages' {
    It 'exist only for cmdlets the manifest exports (no stale page)' {
        $exported = (Import-PowerShellDataFile $ManifestPath).CmdletsToExport
        $pages = Get-ChildItem -LiteralPath $HelpSource -Filter '*-*.md' | ForEach-Object BaseName
        $pages | Where-Object { $exported -notcontains $_ } | Should -BeNullOrEmpty
    }

    It 'state the native contract''s figures as the built module has them (no reference left unexpanded)' {
        $contract = (Get-Module Microsoft.Graph.Entra.Rs).ImplementingAssembly.GetType('Microsoft.Graph.Entra.Rs.Native.NativeContract', $true)
        $constant = { param([string] $ConstantName) "$($contract.GetField($ConstantName).GetValue($null))" }
        foreach ($text in $RevokeHelpText, $AboutText, (Get-Help Get-EntraUser -Full | Out-String -Width 4000)) {
            $text | Should -Not -Match '\{\{'
        }
        $RevokeHelpText | Should -Match "\($(& $constant DefaultThrottleLimit) by default\)"
        $AboutText | Should -Match "default $(& $constant DefaultThrottleLimit), at most $(& $constant MaxThrottleLimit)"
    }

    It 'are all in the MAML file the build wrote' {
        [xml] $maml = Get-Content -Raw (Join-Path $RepoRoot 'en-US/Microsoft.Graph.Entra.Rs.dll-Help.xml')
        $names = @($maml.helpItems.command | ForEach-Object { $_.details.name })
        $pages = @(Get-ChildItem -LiteralPath $HelpSource -Filter '*-*.md' | ForEach-Object BaseName)
        ($names | Sort-Object) | Should -Be ($pages | Sort-Object)
    }
}

Describe 'Revoke-EntraUserAllRefreshToken help' {
    It 'names the least privileged permission, User.RevokeSessions.All' {
        $RevokeHelpText | Should -Match 'User\.RevokeSessions\.All'
        $RevokeHelpText | Should -Match 'least privileged'
    }

    It 'warns that revocation takes a few minutes and access tokens stay valid until they expire' {
        $RevokeHelpText | Should -Match 'few minutes'
        $RevokeHelpText | Should -Match 'access tokens[^.]*valid until they expire'
        $RevokeHelpText | Should -Match 'hour'
    }

    It 'warns that guests get a success but their sessions live in their home tenant' {
        $RevokeHelpText | Should -Match '(?i)guest'
        $RevokeHelpText | Should -Match 'home tenant'
    }

    It 'explains throttling: Retry-After, the shared pause, paced resumption and adaptive concurrency' {
        $RevokeHelpText | Should -Match 'Retry-After'
        $RevokeHelpText | Should -Match '(?i)every request of the connection'
        $RevokeHelpText | Should -Match '(?i)paced|paces'
        $RevokeHelpText | Should -Match '(?i)adaptive concurrency|halves'
    }

    It 'lists the error id and category of failure kind <Kind>' -ForEach @(
        # Kept in the test data so a new failure kind shows up as a failing case here.
        @{ Kind = 'InvalidArgument' }, @{ Kind = 'BadRequest' }, @{ Kind = 'Authentication' }, @{ Kind = 'PermissionDenied' },
        @{ Kind = 'NotFound' }, @{ Kind = 'Throttled' }, @{ Kind = 'Unavailable' }, @{ Kind = 'Cancelled' }, @{ Kind = 'Other' },
        @{ Kind = '(not connected)' }, @{ Kind = '(no native library)' }
    ) {
        $entry = $GraphErrors | Where-Object { $_.Kind -eq $Kind }
        $entry | Should -Not -BeNullOrEmpty
        $RevokeHelpText | Should -Match ('{0}\s*\(?{1}' -f [regex]::Escape($entry.ErrorId), [regex]::Escape($entry.Category)) -Because "the Notes should list $($entry.ErrorId) with $($entry.Category)"
        $AboutText | Should -Match ('{0}\s*\(?{1}' -f [regex]::Escape($entry.ErrorId), [regex]::Escape($entry.Category))
    }

    It 'has the bulk examples: Get-EntraUser piped in, a CSV of UPNs, -ThrottleLimit/-UseBatch and -WhatIf' {
        $code = @((Get-Help Revoke-EntraUserAllRefreshToken).examples.example.code) -join "`n"
        $code | Should -Match 'Get-EntraUser\b.*\|\s*Revoke-EntraUserAllRefreshToken'
        $code | Should -Match 'Import-Csv'
        $code | Should -Match '-ThrottleLimit'
        $code | Should -Match '-UseBatch'
        $code | Should -Match '-WhatIf'
    }

    It 'explains the differences from Microsoft.Graph.Entra' {
        $RevokeHelpText | Should -Match 'Differences from Microsoft\.Graph\.Entra'
    }
}

Describe 'about_Microsoft.Graph.Entra.Rs' {
    It 'loads with Get-Help' {
        $AboutText | Should -Match 'about_Microsoft\.Graph\.Entra\.Rs'
        $AboutText | Should -Match 'SHORT DESCRIPTION'
    }

    It 'covers <Topic>' -ForEach @(
        @{ Topic = 'the permission'; Pattern = 'User\.RevokeSessions\.All' }
        @{ Topic = 'the propagation delay'; Pattern = 'few minutes' }
        @{ Topic = 'access tokens staying valid'; Pattern = 'valid until they\s+expire' }
        @{ Topic = 'guest users'; Pattern = 'home tenant' }
        @{ Topic = 'Retry-After'; Pattern = 'Retry-After' }
        @{ Topic = 'the shared pause'; Pattern = '(?i)shared pause' }
        @{ Topic = 'paced resumption'; Pattern = '(?i)paced resumption' }
        @{ Topic = 'adaptive concurrency'; Pattern = '(?i)adaptive concurrency' }
        @{ Topic = 'the output'; Pattern = 'RevokeResult' }
        @{ Topic = 'the differences from Microsoft.Graph.Entra'; Pattern = '(?i)differences from microsoft\.graph\.entra' }
        @{ Topic = 'Windows PowerShell 5.1'; Pattern = 'Windows PowerShell 5\.1 is not supported' }
    ) {
        $AboutText | Should -Match $Pattern
    }

    It 'lists every cmdlet the module exports' {
        foreach ($name in (Get-Command -Module Microsoft.Graph.Entra.Rs -CommandType Cmdlet).Name) {
            $AboutText | Should -Match ([regex]::Escape($name)) -Because "$name should be in the cmdlet list"
        }
    }
}

Describe 'Help in a fresh PowerShell' {
    It 'renders Get-Help -Full, -Examples, -Parameter UserId and the about topic after Import-Module' {
        $result = Invoke-ChildPwsh -Script @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ManifestPath'
'=== FULL'
Get-Help Revoke-EntraUserAllRefreshToken -Full | Out-String -Width 200
'=== EXAMPLES'
Get-Help Revoke-EntraUserAllRefreshToken -Examples | Out-String -Width 200
'=== PARAMETER'
Get-Help Revoke-EntraUserAllRefreshToken -Parameter UserId | Out-String -Width 200
'=== ABOUT'
Get-Help about_Microsoft.Graph.Entra.Rs | Out-String -Width 200
"@
        $result.ExitCode | Should -Be 0 -Because ($result.Output -join "`n")
        $text = $result.Output -join "`n"
        $full = ($text -split '=== EXAMPLES')[0]
        $full | Should -Match 'SYNOPSIS\s+Invalidates all refresh tokens'
        $full | Should -Match 'DESCRIPTION'
        $full | Should -Match 'NOTES'
        $full | Should -Match 'RELATED LINKS'
        $examples = (($text -split '=== EXAMPLES')[1] -split '=== PARAMETER')[0]
        $examples | Should -Match 'Example 1:'
        $examples | Should -Match 'Get-EntraUser'
        $parameter = (($text -split '=== PARAMETER')[1] -split '=== ABOUT')[0]
        $parameter | Should -Match '-UserId <String>'
        $parameter | Should -Match 'Aliases\s+ObjectId, Id, UserPrincipalName'
        $parameter | Should -Match 'Accept pipeline input\?\s+True \(ByPropertyName, ByValue\)'
        ($text -split '=== ABOUT')[1] | Should -Match 'TOPIC\s+about_Microsoft\.Graph\.Entra\.Rs'
    }
}

Describe 'Examples run as written against the Graph emulator' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'Support/EmulatorHarness.psm1') -Force
        $Emulator = Start-GraphEmulator
        Connect-GraphEmulator -Name 'HelpExamplesEmulator'
    }

    AfterAll {
        Disconnect-Entra
        Stop-GraphEmulator $Emulator
    }

    It '<Name>: <Title>' -ForEach $RunnableExamples {
        # In a scratch folder: some examples write CSV files to the current directory.
        $folder = Join-Path $TestDrive ([guid]::NewGuid())
        New-Item -ItemType Directory -Path $folder | Out-Null
        Push-Location -LiteralPath $folder
        try {
            $raw = @(& ([scriptblock]::Create($Code)) 2>&1)
            $errors = @($raw | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
            $output = $raw | Out-String -Width 200
        }
        finally { Pop-Location }
        $errors | Should -BeNullOrEmpty -Because "the example should run without errors; output: $output"
    }
}
