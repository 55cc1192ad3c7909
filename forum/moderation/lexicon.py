"""Words the hate-speech rules know: protected groups, slurs, and the language of hate around them.

Every entry is normalised text (casefolded, ASCII apostrophes, contractions expanded: "aren't"
→ "are not"), written as phrases separated by "|". Plurals and forms are spelt out rather than
derived, so that what matches is exactly what is listed here and a moderator can look it up.

Slurs are kept ROT13-encoded (a light veil, so that this file can be read and reviewed without
a wall of slurs); `_decode` turns them back at import. A "~" after a slur marks one that some
members of the group reclaim for themselves ("dyke", "yid"), which the rules let through when
the writer clearly speaks as one of the group.
"""

import codecs

# --- protected groups ------------------------------------------------------------------------
# key: (how a moderator reads it, the protected characteristic, plural nouns and collective
#       phrases, adjectives that name the group when followed by a word for people,
#       singular nouns — these count only for threats, never for generalisations)
# A noun marked "?" is also an everyday word or a plain adjective ("roma", "the blind",
# "chinese"): it names the group only after "the/all/those…" or right before "are/should…".
GROUPS = {
    "muslims": ("Muslims", "religion",
                "muslims|moslems|muslim community|the muslim community|mussulmen",
                "muslim|moslem|islamic", "muslim|moslem"),
    "jews": ("Jews", "religion",
             "jews|jewry|jewish community|the jewish community|jewish folk",
             "jewish", "jew"),
    "christians": ("Christians", "religion", "christians|catholics|protestants",
                   "christian|catholic|protestant", "christian|catholic"),
    "sikhs": ("Sikhs", "religion", "sikhs|sikh community", "sikh", "sikh"),
    "hindus": ("Hindus", "religion", "hindus|hindu community", "hindu", "hindu"),
    "black_people": (
        "Black people", "race",
        "blacks|africans|black community|the black community|afro caribbeans|afrocaribbeans|"
        "caribbeans|west indians|somalis|nigerians|ghanaians|eritreans|sudanese?|jamaicans|"
        "congolese?|negroes|coloureds|coloreds|people of colour|people of color",
        "black|african|afro caribbean|caribbean|somali|nigerian|jamaican|ghanaian|eritrean|"
        "sudanese|coloured|colored|west indian", "somali|nigerian|african"),
    "white_people": ("white people", "race", "whites|white community", "white", ""),
    "south_asians": (
        "South Asians", "ethnicity",
        "asians|pakistanis|indians|bangladeshis|south asians|sri lankans|tamils|bengalis|"
        "punjabis|gujaratis|asian community|the asian community",
        "asian|pakistani|indian|bangladeshi|south asian|sri lankan|tamil|bengali|punjabi|"
        "gujarati", "pakistani|bangladeshi"),
    "east_asians": ("East Asians", "ethnicity",
                    "chinese?|east asians|japanese?|koreans|vietnamese?|filipinos",
                    "chinese|east asian|japanese|korean|vietnamese|filipino", ""),
    "arabs": ("Arabs and people from the Middle East", "ethnicity",
              "arabs|syrians|iraqis|iranians|afghans|afghanis|kurds|turks|palestinians|"
              "moroccans|algerians|libyans|yemenis|egyptians|saudis|middle easterners",
              "arab|syrian|iraqi|iranian|afghan|kurdish|turkish|palestinian|moroccan|algerian|"
              "libyan|egyptian|saudi|middle eastern", "arab"),
    "grt": ("Gypsies, Roma and Travellers", "Gypsy, Roma or Traveller identity",
            "gypsies|gipsies|gypsys|travellers|travelers|roma?|romany?|romanies|romani?|"
            "romany gypsies|irish travellers|travelling community|the travelling community|"
            "traveller community|the traveller community|gypsy community|pavees|"
            "gypsy travellers|travelling people|travelling folk",
            "gypsy|gipsy|traveller|traveler|romany|romani|roma", "gypsy|gipsy"),
    "migrants": ("migrants and immigrants", "migration status",
                 "migrants|immigrants|foreigners|economic migrants|illegal immigrants|"
                 "illegal migrants|immigrant community|illegals|newcomers",
                 "migrant|immigrant|foreign", "migrant|immigrant|foreigner"),
    "asylum_seekers": ("asylum seekers and refugees", "migration status",
                       "asylum seekers|refugees|boat people|small boat people|"
                       "small boats people|channel migrants|dinghy people|refugee community",
                       "refugee|asylum seeking|asylum", "refugee|asylum seeker"),
    "eastern_europeans": (
        "Eastern Europeans", "nationality",
        "eastern europeans|east europeans|poles?|romanians|bulgarians|lithuanians|latvians|"
        "estonians|slovaks|czechs|albanians|hungarians|ukrainians|russians|kosovans|moldovans|"
        "serbians|serbs|croatians|bosnians|polish community|the polish community",
        "eastern european|east european|polish|romanian|bulgarian|lithuanian|latvian|"
        "estonian|slovak|czech|albanian|hungarian|ukrainian|russian|moldovan|serbian|croatian|"
        "bosnian", "romanian|albanian"),
    "nationalities": (
        "people of a nationality", "nationality",
        "irish?|scots|scottish?|welsh?|english?|brits|british?|french?|germans|italians|"
        "spaniards|spanish?|portuguese?|americans|yanks|mexicans|brazilians|australians|"
        "canadians|israelis|latinos|hispanics|dutch?",
        "irish|scottish|welsh|english|british|french|german|italian|spanish|portuguese|"
        "american|mexican|brazilian|australian|canadian|israeli|latino|hispanic|dutch", ""),
    "lgbt": ("LGBT+ people", "sexuality",
             "gays|the gays|lesbians|bisexuals|homosexuals|queers|lgbt community|"
             "lgbtq community|the lgbt community|the lgbtq community|gay community|"
             "the gay community|same sex couples|queer community",
             "gay|lesbian|bisexual|homosexual|queer|lgbt|lgbtq|lgbtqia|bi", "homosexual"),
    "trans": ("trans people", "gender identity",
              "transsexuals|transgenders|transwomen|transmen|enbies|trans community|"
              "the trans community|transgendered",
              "trans|transgender|transsexual|non binary|nonbinary|transgendered", "transsexual"),
    "disabled": (
        "disabled people", "disability",
        "the disabled|wheelchair users|the handicapped|autists|the mentally ill|"
        "people with learning disabilities|people with disabilities|people with autism|"
        "people with down syndrome|people with down's syndrome|people with downs syndrome|"
        "the deaf?|the blind?|amputees|the mentally handicapped|people with special needs|"
        "people with mental illness|people with mental health problems|the crippled|cripples",
        "disabled|handicapped|autistic|deaf|blind|mentally ill|learning disabled|"
        "mentally handicapped|special needs", "cripple|spastic|retard"),
    "women": ("women", "sex", "women!|females|womenfolk|the female sex|ladies!",
              "female|women|woman", ""),
    "men": ("men", "sex", "men!|males|the male sex", "male", ""),
}

# Words for people that turn a group adjective into a group: "Polish families", "gay couples".
PEOPLE = (
    "people|family|folk|folks|men|women|lads|girls|boys|kids|children|families|youths|youngsters|"
    "teenagers|teens|blokes|guys|neighbours|neighbors|residents|tenants|immigrants|migrants|"
    "workers|community|communities|population|parents|mums|mothers|fathers|dads|students|"
    "pupils|refugees|drivers|shopkeepers|couples|lot|types|crowd|citizens|voters|landlords|"
    "builders|bankers|doctors|nurses|beggars|gangs|males|females|ones|lads|mob|kind|sort|"
    "in general|persons|individuals|adults|patients|claimants|owners|taxi drivers|traders|"
    "asylum seekers|priests|imams|rabbis|teachers|men and women"
)

# Places that stand for a group when someone threatens them ("burn down the mosque").
PLACES = {
    "muslims": "mosque|mosques|islamic centre|islamic center|madrassa",
    "jews": "synagogue|synagogues|shul",
    "sikhs": "gurdwara|gurdwaras",
    "hindus": "mandir|hindu temple",
    "grt": "traveller site|gypsy site|traveller camp|gypsy camp|travellers site|"
           "travellers camp|traveller sites|gypsy camps",
    "asylum_seekers": "asylum hotel|migrant hotel|refugee hotel|asylum hotels|migrant hotels",
    "lgbt": "gay bar|gay club|pride march|pride parade",
}

# ROT13-encoded slurs by group (see the module docstring).
_SLURS = {
    "black_people": "avttre, avttref, avttre ybire, avt abt, avt abtf, avtabt, avtabtf, "
                    "avtf, pbba, pbbaf, fnzob, fnzobf, jbt, jbtf, tbyyvjbt, tbyyvjbtf, wvtnobb, "
                    "wvtnobbf, qnexvr, qnexvrf, qnexl, whatyr ohaal, whatyr ohaavrf, "
                    "cbepu zbaxrl, cbepu zbaxrlf, fcrnepuhpxre, fcrnepuhpxref, avttyrg, avttyrgf",
    "south_asians": "cnxv, cnxvf, cnxxv, cnxxvf, pheel zhapure, pheel zhapuref, qbgurnq, "
                    "qbgurnqf, qbg urnq, qbg urnqf",
    "muslims": "zhmmvr, zhmmvrf, zhmeng, zhmengf, zhmmeng, zhmmengf, enturnq, enturnqf, "
               "gbjryurnq, gbjryurnqf, tbng funttre, tbng funttref, tbng shpxre, tbng shpxref, "
               "tbngshpxre, tbngshpxref",
    "jews": "xvxr, xvxrf, lvq~, lvqf~, lvqqb~, lvqqbf~, urro, urrof, fulybpxf, wrjobl, "
            "wrjoblf, puevfg xvyyref, bira qbqtre, bira qbqtref",
    "east_asians": "puvax, puvaxf, puvaxl, puvaxvrf, tbbx, tbbxf, fynag rlr, fynag rlrf, "
                   "fynagl rlrf, puvat pubat",
    "grt": "cvxrl, cvxrlf, cvxvrf, tlccb, tlccbf, tvccb, tvccbf, tlcb, tlcbf, qvqvpbl, "
           "qvqvpblf, qvqqvpbl, qvqqvpblf, qvqvxnv, qvqvxnvf",
    "eastern_europeans": "cbynpx, cbynpxf, cbynx, cbynxf",
    "arabs": "fnaq avttre, fnaq avttref, pnzry wbpxrl, pnzry wbpxrlf, pnzry funttre, "
             "pnzry funttref",
    "lgbt": "snttbg, snttbgf, snttl, sntbg, sntbgf, cbbs, cbbsf, cbbsgre, cbbsgref, cbbsgnu, "
            "cbbsgnuf, cbbsgn, onggl obl, onggl oblf, onggl zna, onggl zra, ohz obl, ohz oblf, "
            "ubzbf, qlxr~, qlxrf~, yrmmn, yrmmnf, yrfob, yrfobf, fuveg yvsgre, fuveg yvsgref, "
            "fuvegyvsgre, fuvegyvsgref, shqtr cnpxre, shqtr cnpxref, fbqbzvgr, fbqbzvgrf, "
            "ohzqre, ohzqref",
    "trans": "genaal, genaavrf, genaalf, genaavr, furznyr, furznyrf, fur znyr, fur znyrf, "
             "gebba, gebbaf, ynqlobl, ynqloblf",
    "disabled": "ergneq, ergneqf, fcnfgvp, fcnfgvpf, fcnm, fcnmm, fcnmmrf, fcnpxre, fcnpxref, "
                "zbat, zbatf, zbatbybvq, zbatbybvqf, jvaqbj yvpxre, jvaqbj yvpxref",
    "white_people": "ubaxl, ubaxvrf, ubaxrl, ubaxrlf",
    "asylum_seekers": "encrshtrr, encrshtrrf",
}


def _decode(encoded):
    """{slur phrase: reclaimable?} from one ROT13 line."""
    slurs = {}
    for item in codecs.decode(encoded, "rot13").split(", "):
        slurs[item.rstrip("~")] = item.endswith("~")
    return slurs


SLURS = {group: _decode(encoded) for group, encoded in _SLURS.items()}

# A slur that is also an ordinary word nearby: (slur, words that, just before or after it,
# show the ordinary sense) — "faggots and peas", "a chink of light", "Maine coon".
SLUR_INNOCENT_NEIGHBOURS = {
    "faggot": "gravy|peas|mash|onions|pork|and|with|brains|butcher",
    "faggots": "gravy|peas|mash|onions|pork|and|with|brains|butcher|recipe",
    "chink": "of|in|light|armour|armor",
    "chinks": "in|armour|armor|light|curtains|fence",
    "gook": "gobbledy|gobbledygook",
    "coon": "maine|cat|cats|kitten|dog|dogs|ran|hunting|hunt|hound|hounds|skin|cap|treed",
    "coons": "maine|cat|cats",
    "tranny": "van|vans|box|transit|gearbox|fails|failed|fluid|shift|shifts|rebuild|rebuilt|"
              "car|truck|auto|manual|transmission|motor|engine",
    "trannies": "van|vans",
    "honky": "tonk|tonks",
    "honkey": "tonk|tonks",
    "spastic": "colon|paralysis|society|diplegia",
    "mong": "kok",
    "dyke": "offa's|offas|path|devil's|fleam|wansdyke",
    "dykes": "bikes",
    "yid": "army|spurs|coys|tottenham|lane",
    "yids": "army|spurs|coys|tottenham|lane",
    "poof": "pouffe|footstool|seat",
    "wog": "golliwog",
}

# --- what is said about a group ----------------------------------------------------------------
# Each line: (phrases, category, where the group stands, how they connect, options)
#   where: "after"  the phrase follows the group ("migrants are vermin")
#          "before" the phrase comes first ("deport all migrants", "a plague of migrants")
#   how:   "link"   needs a linking verb between: are, were, like, should be, nothing but …
#          "modal"  needs should, must, need to … between ("gypsies should go back")
#          "direct" follows the group closely with no link ("migrants infest our towns")
#   options: "inverted" fires when negated ("are not welcome", "are not human");
#            "end" only at the end of a sentence or before "now/of our…" ("immigrants out");
#            "strict" only next to the group, nothing between.
DEHUMANISING = "vermin|rats|rat|cockroaches|roaches|parasites|parasite|leeches|lice|maggots|" \
    "insects|pests|animals|beasts|savages|apes|monkeys|baboons|gorillas|pigs|swine|dogs|" \
    "mongrels|filth|scum|scumbags|trash|garbage|disease|a disease|diseases|cancer|a cancer|" \
    "plague|a plague|virus|a virus|infection|an infection|infestation|an infestation|tumour|" \
    "germs|subhuman|subhumans|sub human|sub humans|less than human|barely human|not even human|" \
    "creatures|excrement|human garbage|human filth|human waste|human trash|scavengers|locusts|" \
    "termites|snakes|vipers|hyenas|demons|devils|invaders|an invasion|abominations|" \
    "an abomination|monsters|cattle|rodents|a pest|a scourge|filthy animals|wild animals|" \
    "a disease on|a stain|scum of the earth|cockroach|leech|vermine|bacteria|pond life"
DEHUMANISING_VERBS = "infest|infests|infesting|infested|swarm|swarming|breed like|" \
    "breeding like|multiply like|crawl all over|spawn like|overrun|overrunning|infect|" \
    "infecting|contaminate|contaminating|pollute|polluting|invade|invading|invaded"
DEHUMANISING_BEFORE = "a plague of|an infestation of|a swarm of|an invasion of|a horde of|" \
    "plague of|infestation of|swarm of|swarms of|invasion of|horde of|" \
    "hordes of|vermin like|rats like|animals like|parasites like|infested with|infested by|" \
    "overrun with|overrun by|overrun by|crawling with|swarming with|plagued by|plagued with|" \
    "scum like|filth like|cockroaches like|savages like|vermin such as|breed of|" \
    "hordes of"

THREAT_VERBS = "hitler had the right idea about|hitler was right about|" \
    "hitler should have finished the job with|final solution for|final solution to|" \
    "kill|killing|shoot|shooting|hang|hanging|lynch|lynching|gas|gassing|burn|" \
    "burning|burn down|burn out|bomb|bombing|stab|stabbing|exterminate|exterminating|" \
    "eradicate|eradicating|wipe out|wiping out|slaughter|slaughtering|massacre|murder|" \
    "murdering|butcher|execute|behead|beheading|torch|firebomb|petrol bomb|string up|" \
    "beat up|run over|cull|culling|drown|drowning|put down|nuke|hunt down|hunting down|" \
    "set fire to|attack|attacking|bash|bashing|smash|batter|machine gun|gun down|" \
    "death to|kill all|kill every|kill off|get rid of them all|genocide|ethnically cleanse|" \
    "eliminate|eliminating|exterminate all|lynch all|put a bullet in|take out"
THREAT_PASSIVE = "killed|shot|hanged|hung|lynched|gassed|burned|burnt|burnt alive|" \
    "burned alive|bombed|stabbed|exterminated|eradicated|wiped out|slaughtered|massacred|" \
    "murdered|butchered|executed|beheaded|torched|strung up|beaten|beaten up|run over|culled|" \
    "drowned|put down|nuked|hunted down|eliminated|gunned down|shot on sight|put to death|" \
    "sterilised|sterilized|dead|put in camps|put in gas chambers|wiped off the map|" \
    "hanging from lampposts|better off dead|lined up and shot|machine gunned|gunned|shot dead|" \
    "mowed down|mown down|blown up|set on fire|set alight|kicked to death|beaten to death"
THREAT_MODAL = "die|all die|rot in hell|burn in hell|burn|hang|be shot|get shot|get killed|" \
    "get what is coming|get what's coming|be wiped out|disappear from the earth|be gassed"
THREAT_DIRECT = "deserve a bullet|deserves a bullet|need a bullet|needs a bullet|" \
    "should get a bullet|deserve to die|deserves to die|deserve death|need to die|needs to die|" \
    "need shooting|needs shooting|need hanging|need killing|want killing|wants killing|" \
    "deserve a beating|deserves a beating|deserve a kicking|deserves a kicking|" \
    "need a good kicking|needs a good kicking|deserve to be beaten|deserves to be beaten"

EXCLUSION_VERBS = "deport|deporting|deportation of|expel|expelling|kick out|kicking out|" \
    "throw out|throwing out|chuck out|chucking out|boot out|booting out|send back|" \
    "sending back|ship back|ship out|send home|get rid of|getting rid of|round up|" \
    "rounding up|ban|banning|keep out|keeping out|remove|removing|repatriate|repatriating|" \
    "stop letting in|do not let in|refuse entry to|close the borders to|drive out|" \
    "driving out|force out|run out|evict all|no more|segregate|purge|cleanse"
# "send them back", "keep gypsies out": the verb, then the group, then one of these words.
EXCLUSION_SPLIT = {"send": "back|home|away|packing", "ship": "back|out|off|home", "kick": "out",
                   "keep": "out|away", "throw": "out", "chuck": "out", "boot": "out", "get": "out",
                   "drive": "out|away", "force": "out", "turf": "out", "run": "out", "fuck": "off",
                   "do not want": "here|round|around|in|living|near|on|anywhere|moving|coming",
                   "want": "out|gone|deported|removed|kicked|sent", "sent": "back|home"}
# "why do we let them stay here?"
EXCLUSION_QUESTION = "why do we let|why do we allow|why are we letting|why are we allowing|" \
    "why does the council let|why do they let|why is the council letting|why should we let|" \
    "why should we allow"
EXCLUSION_PASSIVE = "deported|expelled|kicked out|thrown out|chucked out|booted out|sent back|" \
    "sent home|shipped back|shipped out|rounded up|banned|kept out|removed|repatriated|" \
    "driven out|forced out|run out of town|locked up|segregated|kicked out of the country|" \
    "sent packing|banned from|barred|barred from|excluded|fenced off|put on a boat|" \
    "put back on the boats|sent back on the boats|turned back|towed back"
EXCLUSION_MODAL = "go back|go home|leave|get out|fuck off|piss off|fuck off back|" \
    "go back to where they came from|go back where they came from|stay out|keep out|" \
    "stay away|be kept out|go back home|go back to|leave our country|leave the country|" \
    "pack their bags|leave britain|" \
    "be removed|be deported|be sent back|be kicked out|be banned"
EXCLUSION_DIRECT = "out|go home|go back|go back home|need to go back|fuck off|get out|" \
    "not welcome|unwelcome|" \
    "do not belong|does not belong|have no place|has no place|no place|never be british|" \
    "never be english|will never be british|will never be english|not real british|" \
    "not really british|not proper british|not british|not english|not welcome here|" \
    "should not be here|do not deserve to live here|out of our country|out of britain|" \
    "out of our town|out of our street|out of our area|out of the uk|out of england"
# Words whose denial is the hate: "are not welcome", "should not be allowed to live here".
EXCLUSION_INVERTED = "welcome|welcome here|belong here|belong|be allowed|allowed|" \
    "be allowed here|be allowed to stay|be allowed to live here|be allowed in|" \
    "be allowed to vote|be allowed to adopt|be allowed to marry|be allowed near children|" \
    "be allowed to work|be let in|deserve to be here|be here|allowed here|allowed in"
DEHUMANISING_INVERTED = "human|humans|human beings|people|real people|proper people|" \
    "fully human|even human"
GENERALISATION_INVERTED = "be trusted|to be trusted|trustworthy"
# Said of trans people only: "trans women are men", "… are not real women".
GENERALISATION_TRANS = "men|just men|blokes|still men|really men|biological men|men in dresses|" \
    "blokes in dresses|men in wigs|men in skirts|fake women|not real women|not women|" \
    "not real men|confused|a fad|a phase|a trend|a cult|groomers|grooming kids|mutilating|" \
    "perverts|predators|a danger to women"

GENERALISATION = "criminals|criminal|thieves|thieving|crooks|rapists|paedophiles|paedos|" \
    "pedos|pedophiles|groomers|grooming gangs|terrorists|terrorist|extremists|jihadis|" \
    "murderers|killers|gangsters|thugs|drug dealers|scroungers|spongers|freeloaders|" \
    "benefit cheats|benefit scroungers|liars|cheats|frauds|lazy|dirty|filthy|smelly|" \
    "violent|dangerous|aggressive|stupid|thick|inferior|dishonest|untrustworthy|" \
    "can not be trusted|not to be trusted|a threat|a danger|a burden|a drain|a drain on|" \
    "a menace|the problem|a problem|useless|worthless|backward|primitive|uncivilised|" \
    "uncivilized|barbaric|barbarians|evil|perverts|perverted|deviants|deviant|mentally ill|" \
    "diseased|unclean|greedy|money grabbing|all the same|troublemakers|a nuisance|" \
    "hypocrites|cowards|traitors|fanatics|inbred|uneducated|illiterate|beggars|" \
    "pickpockets|shoplifters|fraudsters|benefit tourists|health tourists|wife beaters|" \
    "abusers|predators|child abusers|sick perverts|sick freaks|sick bastards|twisted|" \
    "paedophile|sick in the head|freaks|delusional|deluded|" \
    "unnatural|fake|all fake|bogus|frauds|attention seekers|attention seeking|fakers|faking it|" \
    "a fad|parasitic|" \
    "bitches|whores|sluts|slags|hoes|cunts|bastards|twats|wankers|pricks|degenerates|" \
    "degenerate|disgusting|vile|revolting|repulsive|gross|pathetic|the worst|a joke|" \
    "a waste of space|a waste of oxygen|waste of space|waste of oxygen|ugly|nasty|" \
    "horrible|a disgrace|disgrace|inferior to us|not as intelligent|less intelligent|" \
    "low iq|thick as|shifty|sly|sneaky|cunning|grasping|scum bags|crooked|corrupt|" \
    "a danger to children|a danger to women|a risk to children|confused|mentally deranged|" \
    "deranged|insane|nutters|psychos|weirdos|druggies|alcoholics|drunks|layabouts|" \
    "wasters|bludgers|no good|good for nothing|all terrorists|all criminals|all thieves|" \
    "all rapists|all paedos|in grooming gangs|all in grooming gangs|in gangs|to blame|" \
    "behind it all|a blight|" \
    "cheating|lying|stealing|raping|hysterical|too emotional|useless drivers"
GENERALISATION_DIRECT = "nick anything|will nick anything|nick everything|come over here|" \
    "coming over here|came over here|run this council|run this town|run everything|" \
    "steal|stealing|rob|robbing|take our jobs|taking our jobs|" \
    "steal our jobs|stealing our jobs|take over|taking over|took over|ruin|ruining|ruined|" \
    "destroy|destroying|destroyed|smell|stink|stinks|never work|never wash|do not wash|" \
    "can not drive|can not be trusted|control the media|control the banks|" \
    "control the government|control everything|control the council|control the country|" \
    "control the world|control us|control the money|run the council|run the country|" \
    "run this country|run the world|run the banks|run the media|" \
    "own the banks|own the media|are behind|bring crime|bring disease|breed crime|" \
    "cause trouble|cause all the crime|commit all the crime|groom|groom our|rape our|" \
    "rape women|prey on|lie|lie about|cheat|sponge off|live off|leech off|scrounge|" \
    "scrounging|milk the system|milking the system|abuse the system|abusing the system|" \
    "bleed us dry|bleeding us dry|get everything for free|get free houses|" \
    "jump the queue|jumping the queue|refuse to integrate|will not integrate|" \
    "do not integrate|hate us|hate britain|hate our way of life|want to kill us|" \
    "want to take over|plotting|plot|push their agenda|recruit children|indoctrinate|" \
    "indoctrinating|prey on children|are all the same|should not have children|" \
    "should not breed|should be sterilised|belong in the kitchen|should stay in the kitchen|" \
    "should not vote|should not be allowed to vote|should not drive|make everything worse|" \
    "bring down|dragging down|drag down|drag this country down|leave rubbish everywhere|" \
    "leave a mess|flood|flooding|pour into|pouring into|never pay|do not pay tax|pay no tax|" \
    "get priority|get special treatment"

CONTEMPT_BEFORE = "hate|hating|i hate|despise|loathe|detest|can not stand|cannot stand|" \
    "can not bear|sick of|sick to death of|sick and tired of|fed up of|fed up with|" \
    "had enough of|fuck|fuck all|fuck off|fucking|fuckin|fking|bloody|screw|" \
    "to hell with|damn|down with|disgusted by|disgusted with|" \
    "repulsed by|revolted by|dirty|filthy|stinking|smelly|thieving|lazy|scrounging|" \
    "scummy|useless|worthless|vile|disgusting|bent|evil|inbred|greasy|grubby|nasty|feral|" \
    "dodgy|scheming|bastard|ugly|rotten|vermin"
CONTEMPT_DIRECT = "disgust me|disgusts me|make me sick|makes me sick|make me puke|" \
    "make my skin crawl|make me want to vomit|turn my stomach|should be ashamed|" \
    "are a waste|are worthless|can rot|can go to hell|go to hell|are beneath contempt"

# --- how it is said --------------------------------------------------------------------------
LINKS = "are|is|were|was|be|been|being|r|=|like|as|no better than|nothing but|" \
    "nothing more than|no more than|same as|the same as|act like|acting like|behave like|" \
    "behaving like|live like|living like|look like|looks like|smell like|become|became|" \
    "turned into|turning into|remain|seem|seem to be|seems|tend to be|are basically|" \
    "get|got|getting|will always be|will be|are all|equal|equals|are just|just like|" \
    "compared to|more like|worse than|nothing short of|should be|must be|need to be|" \
    "needs to be|ought to be|deserve to be|deserves to be|have to be|has to be|want to be|" \
    "to be|ought to|should all be|should get|deserve|deserves|need|needs"
MODALS = "should|must|need to|needs to|ought to|have to|has to|had better|better|can|could|" \
    "would|deserve to|deserves to|will|shall|are going to|going to|gonna|might as well|" \
    "want to|to|should all|must all|all|just|can all|really|need"
NEGATORS = "not|never|no|none|nor|neither|nobody|no longer|hardly|far from|by no means|" \
    "nothing like|no more|not all|no way|none of|no one|never ever|rarely|seldom|less likely"
# Said before a claim, these deny or question it ("it's a myth that …", "who says …").
DENIALS = "do not think|do not believe|it is not true|not true that|is not true|myth that|" \
    "a myth|the myth|lie that|the lie|wrong to say|wrong to think|wrong to call|nobody thinks|" \
    "no one thinks|no one believes|nobody believes|who says|who said|since when|" \
    "stop saying|stop calling|stop pretending|stop treating|stop blaming|stop spreading|" \
    "the stereotype that|stereotype|stereotypes|the trope|trope that|tropes|the idea that|" \
    "the claim that|claims that|no such thing|nonsense that|rubbish that|not fair to say|" \
    "unfair to say|how can anyone|how could anyone|why do people think|why do people say|" \
    "why would anyone|why would you say|why would you think|do not say|never say|" \
    "i do not agree|disagree that|not accept|reject the idea|sick of people saying|" \
    "tired of people saying|fed up of people saying|fed up with people saying|" \
    "tired of hearing|sick of hearing|fed up of hearing|people who say|those who say|" \
    "anyone who says|anyone who thinks|people who think|those who think|anyone saying|" \
    "people saying|blaming|scapegoating|scapegoat|misinformation|debunk|debunked|fact check|" \
    "it is racist to|it is hateful to|racist to say|racist to call|not ok to say|" \
    "is not ok to|never okay to|unacceptable to|hate speech|propaganda|nobody should say|" \
    "no one should say|" \
    "should not say|nobody says|no one says|never say that"
SPEECH = "say|says|said|saying|claim|claims|claimed|claiming|call|calls|called|calling|" \
    "describe|describes|described|describing|wrote|write|writes|writing|written|posted|" \
    "tweeted|shouted|shouting|chanted|chanting|yelled|screamed|sprayed|daubed|scrawled|" \
    "graffiti|painted|scratched|leaflet|leaflets|sticker|stickers|banner|sign said|" \
    "referred to|referring to|remarks|comment|comments|told|telling|tells|implied|" \
    "suggested|suggesting|heard|hear|overheard|repeat|repeating|joke|jokes|joking|meme|" \
    "memes|post|a post|the post|message|messages"
# Incidents someone is reporting: a quote introduced by these is reported, not endorsed.
INCIDENT = "sprayed|daubed|scrawled|graffiti|graffitied|painted|scratched|etched|shouted|" \
    "yelled|screamed|chanted|leaflet|leaflets|leafleted|stickers|sticker|banner|posted through|" \
    "called me|called us|called him|called her|called them|called my|calling me|calls me|" \
    "shouted at|was called|were called|been called|get called|got called"
CONDEMNATION = "disgusting|disgraceful|disgrace|racist|racism|racists|bigoted|bigot|bigots|" \
    "bigotry|hateful|hatred|unacceptable|not ok|not okay|not acceptable|shameful|shame|" \
    "appalling|vile|wrong|offensive|ignorant|ignorance|xenophobic|xenophobia|homophobic|" \
    "homophobia|transphobic|transphobia|antisemitic|antisemitism|anti semitic|" \
    "islamophobic|islamophobia|ableist|ableism|sexist|sexism|misogynist|misogynistic|" \
    "misogyny|report|reported|reporting|report it|police|hate crime|hate incident|" \
    "out of order|have no place|has no place|not true|a lie|lies|myth|nonsense|" \
    "should be ashamed|ashamed|sickening|" \
    "sick|horrible|horrified|awful|terrible|stand against|stand with|solidarity|tolerate|" \
    "no place|is a slur|a slur|slur|slurs|upsetting|upset|hurtful|nasty|dangerous rhetoric|" \
    "condemn|condemns|condemned|abhorrent|sad to see|heartbreaking|scary|frightening|" \
    "intimidating|intimidation|harassment|abuse|abusive|not funny|stop this|not on|" \
    "cowardly|cowards|thugs|idiots|morons|challenged|challenge it|called out|call it out|" \
    "dehumanising|dehumanizing|inflammatory|hate|hateful|pathetic|outrageous|" \
    "needs to stop|must stop|has to stop|taken down|remove it|removed|delete|deleted|" \
    "moderators|mods|take it down|bullshit|crap|garbage|rubbish"
PRONOUNS = "they|them|these people|those people|this lot|that lot|them lot|their sort|" \
    "their kind|your lot|you people|such people|these ones|those ones|people like that|" \
    "people like them|the lot of them|all of them|every one of them|each of them|their lot|" \
    "that sort|that kind|the likes of them|themselves"
# A demonstrative before a dehumanising noun points back at a group ("these animals").
DEMONSTRATIVES = "these|those|such|that bunch of|this bunch of|bunch of|pack of|load of"
# Ways of announcing an opinion that must not be read as reporting speech ("call me racist").
OPINION_MARKERS = "call me racist|call me a racist|call me old fashioned|call me a bigot|" \
    "call me what you like|call me what you want|call it what you like|say what you like|" \
    "say what you want|i say|i will say it|i will say this|i have said it before|" \
    "i have always said|i always say|as i always say|i said it before"
# Speech reported in the past: a quote after these is someone else's words, being reported.
REPORTED_SPEECH = "said|wrote|shouted|yelled|screamed|claimed|posted|tweeted|told|called|" \
    "sprayed|painted|daubed|scrawled|chanted|muttered|commented|replied|announced|declared|" \
    "put|left|stuck|was saying|were saying|kept saying|started saying|had written"
# The writer speaks as one of the group (for reclaimed terms).
FIRST_PERSON = "i am a|as a|as an|we|us|our|fellow|me and my|me and the other|proud|" \
    "my fellow|myself|ourselves|the rest of us|call myself|i am one"
# Words that end the reach of a rule inside a sentence.
BOUNDARIES = "that|because|but|although|though|while|whilst|whereas|if|when|which|who|" \
    "where|unlike|except|apart from|rather than|instead of|than|until|unless|after|before|" \
    "since|so that|whether|about|complained|complaining|worried|scared|afraid|victims|" \
    "targeted|attacked by|abused by|for|with|against|into|onto|towards|" \
    "toward|without|helping|help|support|supporting|protect|protecting|defend|defending|" \
    "welcome|welcoming"
# Words that may stand between a link and what it links to ("are nothing but filthy rats").
FILLERS = "a|an|the|just|all|such|so|really|very|total|totally|absolute|absolutely|" \
    "complete|completely|utter|utterly|fucking|fuckin|fking|bloody|basically|literally|" \
    "simply|only|more|like|same|pure|real|proper|actual|little|and|or|mostly|mainly|" \
    "generally|always|still|also|too|even|probably|definitely|certainly|clearly|obviously|" \
    "being|born|natural|genetically|inherently|of|bunch|pack|load|lot|herd|kind|sort|type|" \
    "breed|filthy|dirty|disgusting|stinking|thieving|lazy|worthless|useless|horrible|vile|" \
    "evil|nasty|dangerous|violent|dumb|stupid|scummy|feral|rabid|wild|diseased|dirty|" \
    "vermin|human|bunch of|pack of|load of|lot of|nothing but|no better than|them|all of|" \
    "every|each|one|single|last|any|some|those|these|every last|every single|every one of|" \
    "mainly|largely|known|well known|always have been|constantly|forever|now|becoming|" \
    "turning|into|basically|essentially|pretty much|practically|virtually|half|mere|same|," \
    "frankly|honestly|seriously|truly|tbh|imo|simply|ever|again|lowlife|lowest|sort of|" \
    "kind of|type of|bunch|herd of|swarm|plague|gang of|group of|collection of|right|" \
    "lowlife|low life|nothing more than|little more than|worse than|as bad as|nasty|the lot"
