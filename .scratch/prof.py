import sys, time
sys.argv=['x']+sys.argv[1:]
exec(open('.scratch/t2.py').read().replace("for w in which: score_fisher(M[w]())",""))
import symfisher.expectation.engine as E
orig = E.Engine._try
stats={}
def _try(self, strategy, f):
    t=time.time(); r=orig(self, strategy, f); dt=time.time()-t
    k=(strategy.__name__, r is not None); stats[k]=stats.get(k,0)+dt; return r
E.Engine._try=_try
import symfisher._deadline as D
for w in which:
    stats.clear(); score_fisher(M[w]())
    for k,v in sorted(stats.items(), key=lambda kv:-kv[1]): print('  ',k, round(v,2))
