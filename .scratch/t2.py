import sympy as sp, time, sys
from symfisher.model import Model
from symfisher.expectation import engine_for
def score_fisher(m):
    e = engine_for(m)
    ctx = e.ctx
    s = [sp.diff(ctx.logpdf, p) for p in ctx.params]
    t=time.time()
    out = []
    for i in range(len(s)):
        for j in range(i, len(s)):
            r = e.expect(s[i]*s[j])
            out.append((i,j,sp.simplify(r.value), r.strategy))
    for i in range(len(s)):
        for j in range(i, len(s)):
            r = e.expect(-sp.diff(s[i], ctx.params[j]))
            out.append(('H',i,j,sp.simplify(r.value), r.strategy))
    print(m.name, round(time.time()-t,2))
    for o in out: print('   ', o)
x=sp.Symbol('x',real=True); mu=sp.Symbol('mu',real=True); s=sp.Symbol('sigma',positive=True)
xp=sp.Symbol('x',positive=True); a,b,k,lam,nu=sp.symbols('a b k lambda nu',positive=True)
which = sys.argv[1:]
M = {
 'normal': lambda: Model.from_pdf(sp.exp(-(x-mu)**2/(2*s**2))/sp.sqrt(2*sp.pi*s**2),x,[mu,s],sp.S.Reals,name='normal'),
 'gamma': lambda: Model.from_pdf(b**a*xp**(a-1)*sp.exp(-b*xp)/sp.gamma(a),xp,[a,b],sp.Interval.open(0,sp.oo),name='gamma'),
 'beta': lambda: Model.from_pdf(xp**(a-1)*(1-xp)**(b-1)/sp.beta(a,b),xp,[a,b],sp.Interval.open(0,1),name='beta'),
 'weibull': lambda: Model.from_pdf(k/lam*(xp/lam)**(k-1)*sp.exp(-(xp/lam)**k),xp,[k,lam],sp.Interval.open(0,sp.oo),name='weibull'),
 'cauchy': lambda: Model.from_pdf(1/(sp.pi*s*(1+((x-mu)/s)**2)),x,[mu,s],sp.S.Reals,name='cauchy'),
 'logistic': lambda: Model.from_pdf(sp.exp(-(x-mu)/s)/(s*(1+sp.exp(-(x-mu)/s))**2),x,[mu,s],sp.S.Reals,name='logistic'),
 'gumbel': lambda: Model.from_pdf(sp.exp(-(x-mu)/s-sp.exp(-(x-mu)/s))/s,x,[mu,s],sp.S.Reals,name='gumbel'),
 'lognormal': lambda: Model.from_pdf(sp.exp(-(sp.log(xp)-mu)**2/(2*s**2))/(xp*s*sp.sqrt(2*sp.pi)),xp,[mu,s],sp.Interval.open(0,sp.oo),name='lognormal'),
 't': lambda: Model.from_pdf(sp.gamma((nu+1)/2)/(sp.sqrt(nu*sp.pi)*sp.gamma(nu/2)*s)*(1+((x-mu)/s)**2/nu)**(-(nu+1)/2),x,[mu,s],sp.S.Reals,name='t'),
 'laplace': lambda: Model.from_pdf(sp.exp(-sp.Abs(x-mu)/b)/(2*b),x,[mu,b],sp.S.Reals,name='laplace'),
}

